"""`python -m bench [NAME] [options]`: run one benchmark, or all of them."""

import argparse
import sys

from . import cold_start, environments, functions, reset

BENCHMARKS = {
    "cold-start": cold_start.main,
    "environments": environments.main,
    "functions": functions.main,
    "reset": reset.main,
}


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Newsroom benchmarks (results: docs/benchmarks.md)"
    )
    parser.add_argument(
        "name", nargs="?", choices=sorted(BENCHMARKS), help="one benchmark (default: all)"
    )
    args, rest = parser.parse_known_args()
    names = [args.name] if args.name else sorted(BENCHMARKS)
    for name in names:
        code = BENCHMARKS[name](rest)
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
