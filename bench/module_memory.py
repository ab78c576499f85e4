"""An interpreter for modules that notes each module process's peak memory: `ansible_python_interpreter` set to
`<python> bench/module_memory.py`, Ansible runs `<python> bench/module_memory.py .../AnsiballZ_<module>.py`.

The module runs in a child process of its own, exactly as it would run under <python>; once it ends, the kernel's
account of that process (wait4: ru_maxrss, the most memory it held at once) is appended to the file named by
$BENCH_MODULE_LOG as one JSON line, with the module's name and when it started and ended.
"""

from __future__ import annotations

import json
import os
import sys
import time

LOG_VARIABLE = "BENCH_MODULE_LOG"
ANSIBALLZ_PREFIX = "AnsiballZ_"


def module_name(argv: list) -> str:
    """sas_alert_handle from .../AnsiballZ_sas_alert_handle.py; '' when the module came on stdin (pipelining)."""
    name = os.path.basename(argv[0]) if argv else ""
    return name[len(ANSIBALLZ_PREFIX):].rsplit(".", 1)[0] if name.startswith(ANSIBALLZ_PREFIX) else name


def main() -> None:
    arguments = sys.argv[1:]
    started = time.time()
    pid = os.fork()
    if pid == 0:
        os.execv(sys.executable, [sys.executable, *arguments])
    _pid, status, usage = os.wait4(pid, 0)
    record = {"module": module_name(arguments), "peak_kb": usage.ru_maxrss, "started": started, "ended": time.time()}
    with open(os.environ[LOG_VARIABLE], "a", encoding="utf-8") as log:
        log.write(json.dumps(record) + "\n")
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
