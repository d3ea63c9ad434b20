"""`python -m bench [NAME] [options]`: run one benchmark, all of them (`all`, what
`make bench` runs: writes bench/results.json and docs/benchmarks.md), or the guard
(`check`, what `make bench-check` runs)."""

import argparse
import sys

from . import (
    check,
    cold_start,
    covers,
    emulator_ops,
    environments,
    execution_cpu,
    first_request,
    functions,
    inprocess,
    report,
    reset,
    scaling,
    sdk_pool,
    throughput,
    traffic,
)

BENCHMARKS = {
    "all": report.main,
    "check": check.main,
    "cold-start": cold_start.main,
    "covers": covers.main,
    "emulator": emulator_ops.main,
    "environments": environments.main,
    "execution-cpu": execution_cpu.main,
    "first-request": first_request.main,
    "functions": functions.main,
    "inprocess": inprocess.main,
    "reset": reset.main,
    "scaling": scaling.main,
    "sdk-pool": sdk_pool.main,
    "throughput": throughput.main,
    "traffic": traffic.main,
}


def main() -> int:
    argv = sys.argv[1:]
    if argv and argv[0] in BENCHMARKS:  # its own options, `--help` included
        return BENCHMARKS[argv[0]](argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Newsroom benchmarks (results: docs/benchmarks.md, bench/results.json)",
    )
    parser.add_argument(
        "name", nargs="?", default="all", choices=sorted(BENCHMARKS), help="default: all"
    )
    args, rest = parser.parse_known_args(argv)
    return BENCHMARKS[args.name](rest)


if __name__ == "__main__":
    sys.exit(main())
