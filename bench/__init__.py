"""The benchmark (make bench): every scenario of docs/performance.md against the emulator, in one run, printed as
one table with each goal met or the measured reason it is not."""

import sys
from pathlib import Path

# The e2e tests' harness (tests/e2e: the collection built and installed, the emulator's keys, the triage runner) is
# the benchmark's too; its modules import each other by name.
E2E = str(Path(__file__).resolve().parents[1] / "tests" / "e2e")
if E2E not in sys.path:
    sys.path.insert(0, E2E)
