"""CLI: python -m sas_emulator [options]. Prints one ready line, then serves until Ctrl-C/SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from . import dataset as ds
from .readings import READING_CHOICES, READING_NAMES, Readings, parse_assignment
from .server import EmulatorConfig, EmulatorServer, write_ready_line

DEFAULT_ALERTS = 50
DEFAULT_SEED = 1


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sas_emulator",
        description="Wire-level emulator of Alibaba Cloud Security Center (Sas 2018-12-03) for the five alert "
                    "handling APIs. Loopback only by default; never talks to the real service.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=_non_negative, default=18080, help="port (default 18080; 0 = pick a free one)")
    data = parser.add_argument_group("data")
    data.add_argument("--alerts", type=_non_negative, default=None,
                      help=f"number of generated alerts (default {DEFAULT_ALERTS})")
    data.add_argument("--seed", type=int, default=None, help=f"generator seed (default {DEFAULT_SEED})")
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
    defaults = Readings()
    choices = "; ".join(f"{name}={'|'.join(READING_CHOICES[name])}" if name in READING_CHOICES
                        else f"{name}=<int >= 0>" for name in READING_NAMES)
    behaviour.add_argument(
        "--reading", action="append", default=[], metavar="NAME=VALUE",
        help="play one reading where the public record disagrees (repeatable; README 'Readings'): " + choices
             + ". Defaults (the strictest): "
             + ", ".join(f"{name}={getattr(defaults, name)}" for name in READING_NAMES))
    return parser


def parse_readings(args: argparse.Namespace, parser: argparse.ArgumentParser) -> dict[str, Any]:
    readings: dict[str, Any] = {}
    for text in args.reading:
        try:
            name, value = parse_assignment(text)
        except ValueError as exc:
            parser.error(f"--reading: {exc}")
        readings[name] = value
    return readings


def load_data(args: argparse.Namespace, parser: argparse.ArgumentParser) -> dict[str, Any]:
    if args.dataset:
        if args.alerts is not None or args.seed is not None:
            parser.error("--dataset cannot be combined with --alerts/--seed")
        try:
            return ds.load_dataset(args.dataset)
        except ds.DatasetError as exc:
            parser.error(str(exc))
    alerts = DEFAULT_ALERTS if args.alerts is None else args.alerts
    seed = DEFAULT_SEED if args.seed is None else args.seed
    return ds.generate(seed=seed, alerts=alerts)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.qps < 0:
        parser.error("--qps must be >= 0")
    readings = parse_readings(args, parser)
    data = load_data(args, parser)
    if args.dump_dataset:
        ds.save_dataset(data, args.dump_dataset)
        return 0
    config = EmulatorConfig(
        host=args.host, port=args.port, access_key_id=args.access_key_id, access_key_secret=args.access_key_secret,
        security_token=args.security_token, latency_ms=args.latency_ms, task_delay_ms=args.task_delay_ms,
        qps=args.qps, request_log=args.request_log, verbose=args.verbose, **readings)
    try:
        server = EmulatorServer(config, data)
    except OSError as exc:
        print(f"sas_emulator: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2

    def stop(signum: int, frame: Any) -> None:
        # shutdown() waits for serve_forever, so it must run outside the signal handler's thread
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
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
