"""make demo-eda's narrator: prints each alert the rulebook's source emits (its debug line) and, as each
triage writes its report, the outcome of every alert in it. Runs until the process given exits.

    python scripts/eda_demo_printer.py RULEBOOK_LOG REPORT_DIR PID
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

# The collection as demo-emulator.sh links it: its one way to show alert text to people (module_utils.shown).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "build" / "collections"))
from ansible_collections.alibabacloud.sas.plugins.module_utils.shown import shown  # noqa: E402


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def outcome_line(alert: dict) -> str:
    """One alert of a report: its outcome, the action and the rule, and why when it was not handled; every
    value shown escaped (a reason can quote alert text)."""
    if alert["outcome"] == "excluded":
        return "-> alert %s: excluded by rule %s" % (shown(alert["id"]), shown(alert.get("rule")))
    line = "-> alert %s: %s (%s, rule %s)" % (
        shown(alert["id"]), shown(alert["outcome"]), shown(alert.get("action")), shown(alert.get("rule") or "none"))
    detail = alert.get("error_code") or alert.get("reason")
    return line + (": " + shown(detail) if detail and alert["outcome"] != "handled" else "")


def main(log_path: str, report_dir: str, pid: int) -> None:
    log, reports = Path(log_path), Path(report_dir)
    offset, seen = 0, set()
    started = time.monotonic()
    while True:
        alive = running(pid)
        if log.exists():
            with log.open(encoding="utf-8", errors="replace") as stream:
                stream.seek(offset)
                for line in stream:
                    if line.startswith("New alert "):  # the rulebook's line: already escaped, shown again all the same
                        print("[%5.1f s] %s" % (time.monotonic() - started, shown(line.strip())), flush=True)
                offset = stream.tell()
        for path in sorted(reports.glob("triage-*.json")) if reports.is_dir() else []:
            if path.name not in seen:
                seen.add(path.name)
                report = json.loads(path.read_text())
                for alert in report["alerts"]:
                    print("[%5.1f s] %s" % (time.monotonic() - started, outcome_line(alert)), flush=True)
        if not alive:
            return
        time.sleep(0.5)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
