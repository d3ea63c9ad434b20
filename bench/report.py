"""`make bench` / `python -m bench`: every benchmark of issue 13 side by side, written to
`bench/results.json` (machine-readable) and to the generated section of
`docs/benchmarks.md` (tables, each with its command). Every figure is also given as a
ratio to an anchor measured in the same run."""

from __future__ import annotations

import datetime as dt
import json
import os
import pathlib
import platform
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- BEGIN make bench (generated) -->", "<!-- END make bench (generated) -->"


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_1min": round(os.getloadavg()[0], 2),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def run_all(quick: bool, only: list[str] | None = None) -> dict:
    """Run every benchmark (or `only` these, keeping the others from bench/results.json);
    `quick` = fewer runs and rows (CI)."""
    from . import covers, emulator_ops, first_request, scaling, throughput, traffic

    results: dict = {"quick": quick, "machine_before": machine()}
    if only:
        results = json.loads(RESULTS.read_text()) | {"machine_before": machine()}
    steps = [
        (
            "emulator",
            lambda: emulator_ops.measure(20_000 if quick else 100_000, 60 if quick else 200),
        ),
        ("throughput", lambda: throughput.measure(40 if quick else 100)),
        ("traffic", lambda: traffic.measure(3 if quick else 9, due=10)),
        ("first_request", lambda: first_request.measure(2 if quick else 5)),
        ("first_request_instructions", lambda: _instructions(first_request)),
        ("scaling", lambda: scaling.measure([1000, 10_000] if quick else [1000, 10_000, 100_000])),
        ("covers", lambda: covers.measure([1000] if quick else [1000, 10_000])),
    ]
    for name, step in steps:
        if only and name not in only:
            continue
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        at = machine()
        results[name] = step()
        results[name]["_seconds"] = round(time.perf_counter() - started, 1)
        results[name]["_machine"] = at
    results["machine_after"] = machine()
    return results


def _instructions(first_request) -> dict:
    """The first requests counted in instructions, where valgrind is installed."""
    missing = first_request.valgrind_missing()
    if missing:
        print(f"  skipped: {missing}", flush=True)
        return {"skipped": missing}
    return first_request.count_instructions(1)


def _instructions_part(results: dict) -> list[str]:
    from . import first_request

    counted = results.get("first_request_instructions")
    if not counted:
        return []
    head = [
        "",
        "The same first requests counted in instructions (`python -m bench first-request "
        "--instructions`): each one and the floor's, in workers run under callgrind, counters "
        "zeroed once the worker is up; the difference is converted to ms at the floor's own "
        "rate (its native CPU time ÷ its instructions). Counts do not move with the load.",
        _when(counted).strip(),
        "",
    ]
    if "skipped" in counted:
        return [*head, f"Not counted: {counted['skipped']}."]
    return [*head, first_request.instructions_table(counted)]


def _when(step: dict) -> str:
    at = step.get("_machine")
    if not at:
        return ""
    load = "not recorded" if at.get("load_1min") is None else at["load_1min"]
    return f" Measured {at['date']}, load {load}."


def markdown(results: dict) -> str:
    from . import covers, emulator_ops, first_request, scaling, throughput, traffic

    m = results["machine_before"]
    quick = " --quick" if results["quick"] else ""
    parts = [
        BEGIN,
        "",
        f"## Latest `make bench` ({m['date']})",
        "",
        f"Python {m['python']}, {m['cpus']} CPUs; the machine is shared (compare ratios, not "
        "milliseconds; each section gives its moment and load). Machine-readable: "
        "`bench/results.json`. "
        f"Command: `make bench` (= `.venv/bin/python -m bench all{quick}`).",
        "",
        "### Emulator operations (item 6)",
        "",
        _when(results["emulator"]).strip(),
        "",
        f"`python -m bench emulator --rows {results['emulator']['rows']}` — through the SDK on a "
        "table of that many rows, interleaved with their floors; floor = the same operation on "
        "raw SQLite + an empty request's round trip; the emulator in a process of its own "
        "(`--server process`, the default).",
        "",
        emulator_ops.table(results["emulator"]),
        "",
        emulator_ops.split_table(results["emulator"]),
        "",
        "### Synchronous executions per second (item 6)",
        "",
        _when(results["throughput"]).strip(),
        "",
        "`python -m bench throughput` — `articles GET /health` (no API call).",
        "",
        throughput.table(results["throughput"]),
        "",
        "### Round trips, handshakes and warm latency per operation, over TLS (items 1–3)",
        "",
        _when(results["traffic"]).strip(),
        "",
        f"`python -m bench traffic --runs {results['traffic']['runs']}` — medians; "
        "counted by the emulator (`GET /v1/emulator/executions/{id}/stats`). Round trips are "
        "today's numbers (targets for the product work: sign-up ≤ 2, create ≤ 2, list ≤ 2, "
        "enrich ≤ 4, publish-scheduled ≤ N + 1, nightly O(1) per category).",
        "",
        traffic.tables(results["traffic"]),
        "",
        "### First request against its floor (item 4)",
        "",
        _when(results["first_request"]).strip(),
        "",
        f"`python -m bench first-request --runs {results['first_request']['runs']}` — the floor "
        "(`bench/floor`), on the same environment, imports only `appwrite.client` and "
        "`jsonschema` and makes the same number of API calls on one kept-alive connection; "
        "target: within 15 ms of it.",
        "",
        first_request.table(results["first_request"]),
        *_instructions_part(results),
        "",
        "### Scaling (item 5)",
        "",
        _when(results["scaling"]).strip(),
        "",
        "`python -m bench scaling"
        + (" --quick" if results["quick"] else "")
        + "` — one scheduled run per table size (publish-scheduled: all rows due; nightly: "
        "1,000 rows to purge, the rest published, its first night timed, then the next "
        f"one); nightly's time budget {results['scaling']['budget_s']} s.",
        "",
        scaling.table(results["scaling"]),
        *_covers_part(results, covers),
        "",
        END,
    ]
    return "\n".join(parts)


def _covers_part(results: dict, covers) -> list[str]:
    if "covers" not in results:  # results written before this benchmark existed
        return []
    return [
        "",
        "### Nightly over a bucket of covers (item 3)",
        "",
        _when(results["covers"]).strip(),
        "",
        "`python -m bench covers` — published articles with their covers, written two days "
        "before; night 1 walks every row and cover, then two quiet nights; ratios to the "
        "quiet night over an empty bucket in the same run. A quiet night's calls do not "
        "grow with the bucket (at most 36 at the default `COVER_CHECK_PAGES` 10).",
        "",
        covers.table(results["covers"]),
    ]


def write(results: dict) -> None:
    RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    text = DOC.read_text()
    section = markdown(results)
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        text = head + section + tail
    else:
        title, _, body = text.partition("\n")
        text = f"{title}\n\n{section}\n{body}"
    DOC.write_text(text)
    print(f"wrote {RESULTS.relative_to(ROOT)} and {DOC.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m bench all", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="fewer runs and rows (CI)")
    parser.add_argument("--no-write", action="store_true", help="print, do not write the files")
    parser.add_argument(
        "--render", action="store_true", help="only rewrite the tables from bench/results.json"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=[
            "emulator",
            "throughput",
            "traffic",
            "first_request",
            "first_request_instructions",
            "scaling",
            "covers",
        ],
        help="re-run these only; the others are kept from bench/results.json",
    )
    args = parser.parse_args(argv)
    if args.render:
        write(json.loads(RESULTS.read_text()))
        return 0
    results = run_all(args.quick, args.only)
    if args.no_write:
        print(markdown(results))
    else:
        write(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
