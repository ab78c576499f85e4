"""CLI: python -m sas_emulator [options]. Prints one ready line, then serves until Ctrl-C/SIGTERM."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from typing import Any

from . import dataset as ds
from .arrivals import MAX_ALERTS_PER_MINUTE, check_new_alerts_per_minute
from .chaos import CHAOS_RATES, CONSOLE_MIN_INTERVAL_MS
from .readings import READING_CHOICES, READING_NAMES, Readings, parse_assignment
from .server import (
    CHAOS_FIELDS,
    ChaosPlan,
    EmulatorConfig,
    EmulatorServer,
    RequestLogError,
    write_exposure_warning,
    write_ready_line,
)
from .values import is_count

DEFAULT_ALERTS = 50
DEFAULT_SEED = 1


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return number


def _rate(value: str) -> float:
    number = float(value)
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError("must be a probability from 0 to 1")
    return number


def _console_interval(value: str) -> int:
    number = int(value)
    if number != 0 and number < CONSOLE_MIN_INTERVAL_MS:
        raise argparse.ArgumentTypeError(f"must be 0 (off) or >= {CONSOLE_MIN_INTERVAL_MS}")
    return number


def _per_minute(value: str) -> float:
    try:
        number: float | str = float(value)
    except ValueError:
        number = value  # refused below, with what is valid
    try:
        return check_new_alerts_per_minute(number)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("new_alerts_per_minute ")) from None


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be >= 1")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sas_emulator",
        description="Wire-level emulator of Alibaba Cloud Security Center (Sas 2018-12-03) for the five alert "
                    "handling APIs and alert notes. Loopback only by default; never talks to the real service.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default 127.0.0.1, loopback); any other address (0.0.0.0, a LAN "
                             "address) prints a warning on stderr: the emulator accepts the test keys and is not "
                             "for exposure")
    parser.add_argument("--port", type=_non_negative, default=18080, help="port (default 18080; 0 = pick a free one)")
    data = parser.add_argument_group("data")
    data.add_argument("--alerts", type=_non_negative, default=None,
                      help=f"number of generated alerts (default {DEFAULT_ALERTS})")
    data.add_argument("--seed", type=int, default=None, help=f"generator seed (default {DEFAULT_SEED})")
    data.add_argument("--members", type=_non_negative, default=None, metavar="N",
                      help="the caller is a Resource Directory administrator with N member accounts (default 0: "
                           "none), listed by DescribeMonitorAccounts, each with its own alerts, reached with "
                           "ResourceDirectoryAccountId (README 'Member accounts')")
    data.add_argument("--member-alerts", type=_non_negative, default=None, metavar="M",
                      help=f"pending alerts of each member account (default {ds.DEFAULT_MEMBER_ALERTS}; "
                           "needs --members)")
    data.add_argument("--dataset", help="load this dataset JSON instead of generating one")
    data.add_argument("--dump-dataset", metavar="FILE", help="write the dataset to FILE and exit")
    auth = parser.add_argument_group("credentials")
    auth.add_argument("--access-key-id", default="testAK")
    auth.add_argument("--access-key-secret", default="testSecret")
    auth.add_argument("--security-token", default=None,
                      help="STS token requests must carry if they send one (default: any token)")
    behaviour = parser.add_argument_group("behaviour")
    behaviour.add_argument("--request-log", metavar="FILE", help="append one JSON line per API call")
    behaviour.add_argument("--latency-ms", type=_non_negative, default=0, help="delay every API answer")
    behaviour.add_argument("--task-delay-ms", type=_non_negative, default=1000,
                           help="how long a handling task stays Processing (default 1000)")
    behaviour.add_argument("--qps", type=float, default=10,
                           help="per-action calls per second, the service's quota; 0 = unlimited")
    behaviour.add_argument("--verbose", action="store_true", help="log every HTTP request to stderr")
    behaviour.add_argument(
        "--new-alerts-per-minute", type=_per_minute, default=0.0, metavar="N",
        help="alerts arrive while the emulator runs: one new pending alert every 60/N seconds (a random catalog "
             "name, its usual level, an existing host; drawn from a sequence seeded with --seed), listed first, "
             "with an id above every other, as a source polling for new alerts sees them. 0 = off (the default), "
             f"at most {MAX_ALERTS_PER_MINUTE}. POST /_emulator/alerts adds some at once (README 'Alerts arriving')")
    defaults = Readings()
    choices = "; ".join(f"{name}={'|'.join(READING_CHOICES[name])}" if name in READING_CHOICES
                        else f"{name}=<int >= 0>" for name in READING_NAMES)
    behaviour.add_argument(
        "--reading", action="append", default=[], metavar="NAME=VALUE",
        help="play one reading where the public record disagrees (repeatable; README 'Readings'): " + choices
             + ". $" + READINGS_ENV + " (NAME=VALUE, comma-separated) sets them under any --reading"
             + ". Defaults (the strictest): "
             + ", ".join(f"{name}={getattr(defaults, name)}" for name in READING_NAMES))
    add_chaos_options(parser)
    return parser


def add_chaos_options(parser: argparse.ArgumentParser) -> None:
    chaos = parser.add_argument_group(
        "chaos", "faults and trouble at a rate, drawn from a random sequence seeded with the data set's seed "
                 "(--seed): one seed and one sequence of calls give the same chaos. README 'Chaos'")
    chaos.add_argument("--chaos", metavar="JSON|@FILE",
                       help="all chaos in one JSON object (or @file.json) with the fields " + ", ".join(CHAOS_FIELDS)
                            + ', e.g. \'{"faults": [{"action": "*", "fault": "throttle", "rate": 0.05}], '
                            '"event_failed_rate": 0.02, "console": {"interval_ms": 500, "alerts": 1}}\'; '
                            "its fields win over the options below")
    chaos.add_argument("--jitter-ms", type=_non_negative, default=None, metavar="MS",
                       help="each API answer waits latency-ms + a uniform 0..jitter-ms more (default 0)")
    for name, what in zip(CHAOS_RATES, (
            "an accepted handling task stays Processing for good",
            "an alert of a task fails, <op>.Failure, back to pending",
            "the agent is offline when an agent-side operation runs, <op>.AgentOffline")):
        chaos.add_argument("--" + name.replace("_", "-"), type=_rate, default=None, metavar="P",
                           help=f"probability (0..1, default 0) that {what}")
    chaos.add_argument("--console-interval-ms", type=_console_interval, default=None, metavar="N",
                       help=f"someone in the console handles pending alerts (ignore or manual_handled) every N ms "
                            f"(0 = off, the default; else >= {CONSOLE_MIN_INTERVAL_MS})")
    chaos.add_argument("--console-alerts", type=_positive, default=None, metavar="K",
                       help="how many pending alerts the console handles each time (default 1)")


def read_chaos_option(text: str | None, parser: argparse.ArgumentParser) -> dict[str, Any]:
    """--chaos: a JSON object, or @FILE holding one."""
    if text is None:
        return {}
    try:
        if text.startswith("@"):
            with open(text[1:], encoding="utf-8") as file:
                text = file.read()
        return json.loads(text)
    except OSError as exc:
        parser.error(f"--chaos: cannot read {text[1:]}: {exc.strerror}")
    except UnicodeDecodeError:
        parser.error(f"--chaos: {text[1:]} is not UTF-8 text")
    except json.JSONDecodeError as exc:
        parser.error(f"--chaos: not JSON: {exc}")


def parse_chaos(args: argparse.Namespace, parser: argparse.ArgumentParser) -> ChaosPlan:
    """The chaos options and --chaos (whose fields win), checked as POST /_emulator/chaos checks a body."""
    if args.console_alerts is not None and args.console_interval_ms is None:
        parser.error("--console-alerts needs --console-interval-ms")
    body: dict[str, Any] = {name: getattr(args, name) for name in ("jitter_ms", *CHAOS_RATES)
                            if getattr(args, name) is not None}
    if args.console_interval_ms is not None:
        body["console"] = {"interval_ms": args.console_interval_ms, "alerts": args.console_alerts or 1}
    chaos = read_chaos_option(args.chaos, parser)
    try:
        return ChaosPlan.parse({**body, **chaos} if isinstance(chaos, dict) else chaos)
    except ValueError as exc:
        parser.error(f"--chaos: {exc}")


READINGS_ENV = "SAS_EMULATOR_READINGS"  # NAME=VALUE ..., under --reading: a whole test suite under one variant


def parse_readings(args: argparse.Namespace, parser: argparse.ArgumentParser) -> dict[str, Any]:
    readings: dict[str, Any] = {}
    for text in os.environ.get(READINGS_ENV, "").replace(",", " ").split() + args.reading:
        try:
            name, value = parse_assignment(text)
        except ValueError as exc:
            parser.error(f"--reading: {exc}")
        readings[name] = value
    return readings


def load_data(args: argparse.Namespace, parser: argparse.ArgumentParser) -> dict[str, Any]:
    generated = (args.alerts, args.seed, args.members, args.member_alerts)
    if args.dataset:
        if any(value is not None for value in generated):
            parser.error("--dataset cannot be combined with --alerts/--seed/--members/--member-alerts")
        try:
            return ds.load_dataset(args.dataset)
        except ds.DatasetError as exc:
            parser.error(str(exc))
    alerts = DEFAULT_ALERTS if args.alerts is None else args.alerts
    seed = DEFAULT_SEED if args.seed is None else args.seed
    if args.member_alerts is not None and not args.members:
        parser.error("--member-alerts needs --members")
    member_alerts = ds.DEFAULT_MEMBER_ALERTS if args.member_alerts is None else args.member_alerts
    return ds.generate(seed=seed, alerts=alerts, members=args.members or 0, member_alerts=member_alerts)


def data_seed(data: dict[str, Any]) -> int:
    """The chaos seed: the data set's own (--seed, or the seed a --dataset file records)."""
    seed = data.get("seed")
    return seed if is_count(seed) else DEFAULT_SEED


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.qps < 0:
        parser.error("--qps must be >= 0")
    readings = parse_readings(args, parser)
    chaos = parse_chaos(args, parser)
    data = load_data(args, parser)
    if args.dump_dataset:
        try:
            ds.save_dataset(data, args.dump_dataset)
        except OSError as exc:
            parser.error(f"--dump-dataset: cannot write {args.dump_dataset}: {exc.strerror}")
        return 0
    config = EmulatorConfig(
        host=args.host, port=args.port, access_key_id=args.access_key_id, access_key_secret=args.access_key_secret,
        security_token=args.security_token, latency_ms=args.latency_ms, task_delay_ms=args.task_delay_ms,
        qps=args.qps, request_log=args.request_log, verbose=args.verbose, seed=data_seed(data),
        new_alerts_per_minute=args.new_alerts_per_minute, **readings)
    try:
        server = EmulatorServer(config, data, chaos)
    except RequestLogError as exc:
        parser.error(f"--request-log: {exc}")
    except OSError as exc:
        print(f"sas_emulator: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2

    def stop(signum: int, frame: Any) -> None:
        # shutdown() waits for serve_forever, so it must run outside the signal handler's thread
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    write_exposure_warning(server)
    write_ready_line(server)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
