"""python -m bench [--size full|tiny] [--only SCENARIO[,...]] [--work DIR] [--doc FILE]: every scenario (or those
named) in one run, then the table.

--only runs the scenarios named (triage,groups_call) to measure them again; their rows are printed, never written.
--doc replaces the table of FILE (docs/performance.md) between its BEGIN and END lines with this run's, which must be
a full one: a table is the rows of one run on one commit, never rows of several merged.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench import scenarios
from bench.runs import REPO, Workbench
from bench.table import markdown

SIZES = {sizes.name: sizes for sizes in (scenarios.FULL, scenarios.TINY)}
BEGIN = "<!-- bench table: begin (make bench writes it) -->"
END = "<!-- bench table: end -->"


def run(sizes: scenarios.Sizes, bench: Workbench, progress=lambda line: None,
        chosen: tuple = scenarios.SCENARIOS) -> list:
    """The chosen scenarios (every one by default) at sizes, one after another; their rows."""
    documented = bench.handle_options()
    rows = []
    for scenario in chosen:
        progress("%s ..." % scenario.__name__)
        started = time.monotonic()
        rows += scenario(bench, sizes, documented)
        progress("%s: %.0f s" % (scenario.__name__, time.monotonic() - started))
    return rows


def context() -> str:
    """Where and on what the table was measured."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                            check=False).stdout.strip()
    ansible = subprocess.run(["ansible", "--version"], capture_output=True, text=True, check=False).stdout
    return "Measured %s on commit %s, %s, Python %s, %s, %d CPUs, loopback." % (
        time.strftime("%Y-%m-%d", time.gmtime()), commit or "unknown", platform.system(),
        platform.python_version(), ansible.splitlines()[0] if ansible else "ansible-core unknown",
        len(os.sched_getaffinity(0)))


def update_doc(path: Path, table: str) -> None:
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    path.write_text("%s%s\n%s\n\n%s\n%s%s" % (head, BEGIN, context(), table, END, tail), encoding="utf-8")


def only(names: str) -> tuple:
    """The scenarios named, comma-separated (--only), in the order of the full run."""
    by_name = {scenario.__name__: scenario for scenario in scenarios.SCENARIOS}
    unknown = sorted(set(names.split(",")) - set(by_name))
    if unknown:
        raise argparse.ArgumentTypeError("no scenario %s (the scenarios: %s)" % (
            ", ".join(unknown), ", ".join(by_name)))
    return tuple(scenario for scenario in scenarios.SCENARIOS if scenario.__name__ in names.split(","))


def main(argv: list | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "bench")
    parser.add_argument("--only", type=only, default=scenarios.SCENARIOS, metavar="SCENARIO[,...]",
                        help="run these scenarios alone (their function names in bench/scenarios.py)")
    parser.add_argument("--doc", type=Path, help="the document whose table this run's replaces (a full run only)")
    args = parser.parse_args(argv)
    if args.doc and args.only != scenarios.SCENARIOS:
        parser.error("--doc writes the table of a full run: leave out --only")
    started = time.monotonic()
    bench = Workbench(args.work)
    try:
        rows = run(SIZES[args.size], bench, progress=lambda line: print(line, file=sys.stderr, flush=True),
                   chosen=args.only)
    finally:
        bench.close()
    table = markdown(rows)
    print("\n%s\n\n%s\n\n(%.0f s in all)" % (context(), table, time.monotonic() - started))
    if args.doc:
        update_doc(args.doc, table)


if __name__ == "__main__":
    main()
