"""Coverage of the ported Appwrite suites, counted by running them.

    .venv/bin/python -m tests.contract.coverage            # print the table
    .venv/bin/python -m tests.contract.coverage --write    # and rewrite it in docs/emulator.md
    .venv/bin/python -m tests.contract.coverage --gaps     # and list every gap

A *case* is one ported test (one PHP case, or one data-provider row of it), run over raw HTTP
and through the SDK. It is *passing* when every transport it runs over passes, a *gap* when it
is an expected failure (`@gap`, xfail strict), *deliberate* when skipped as a documented
difference. Extra pytest arguments after `--` are passed on (e.g. `-- -n 2`).
"""

from __future__ import annotations

import argparse
import pathlib
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DOC = ROOT / "docs" / "emulator.md"
START = "<!-- contract-coverage:start (python -m tests.contract.coverage --write) -->"
END = "<!-- contract-coverage:end -->"
SERVICES = {
    "test_ported_tablesdb_": "TablesDB",
    "test_ported_users": "Users",
    "test_ported_teams": "Teams",
    "test_ported_account": "Account",
    "test_ported_functions_domain": "Functions (domains)",
}


def service_of(nodeid: str) -> str | None:
    name = pathlib.Path(nodeid.split("::")[0]).name
    return next((s for prefix, s in SERVICES.items() if name.startswith(prefix)), None)


@dataclass
class Case:
    service: str
    key: str
    ref: str = ""
    outcomes: dict[str, str] = field(default_factory=dict)  # transport → outcome
    reasons: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        values = set(self.outcomes.values())
        if values & {"failed", "error"}:
            return "failing"
        if "xfailed" in values:
            return "gap"
        if values and values <= {"deliberate"}:
            return "deliberate"
        if "passed" in values:
            return "passing"
        return "skipped"


class Collector:
    def __init__(self) -> None:
        self.cases: dict[str, Case] = {}

    def pytest_runtest_logreport(self, report) -> None:
        props = dict(report.user_properties)
        service = service_of(report.nodeid)
        if service is None or "transport" not in props:
            return
        counted = (
            report.when == "call"
            or (report.when == "setup" and report.outcome != "passed")
            or (report.when == "teardown" and report.outcome == "failed")
        )
        if not counted:
            return
        transport = props["transport"]
        key = re.sub(r"\[(raw|sdk)-?", "[", report.nodeid).replace("[]", "")
        case = self.cases.setdefault(key, Case(service, key, props.get("appwrite", "")))
        if hasattr(report, "wasxfail"):
            outcome, reason = "xfailed", report.wasxfail
        elif report.outcome == "skipped":
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            reason = reason.removeprefix("Skipped: ")
            outcome = "deliberate" if reason.startswith("deliberate:") else "skipped"
        else:
            outcome, reason = report.outcome, ""
        if report.when == "teardown" and report.outcome == "failed":
            outcome = "error"
        case.outcomes[transport] = outcome
        if reason:
            case.reasons[transport] = reason


def table(cases: list[Case]) -> str:
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for case in cases:
        rows[case.service]["ported"] += 1
        rows[case.service][case.status] += 1
    order = list(dict.fromkeys(SERVICES.values()))
    lines = [
        "| service | cases ported | passing | deliberately different "
        "| not implemented (xfail gaps) | failing |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    total: dict[str, int] = defaultdict(int)
    for service in order:
        counts = rows.get(service)
        if not counts:
            continue
        for key, value in counts.items():
            total[key] += value
        lines.append(_row(service, counts))
    lines.append(_row("**all**", total))
    return "\n".join(lines)


def _row(name: str, counts: dict[str, int]) -> str:
    return (
        f"| {name} | {counts['ported']} | {counts['passing']} | {counts['deliberate']} | "
        f"{counts['gap']} | {counts['failing']} |"
    )


def gaps(cases: list[Case]) -> str:
    lines = []
    for case in sorted(cases, key=lambda c: (c.service, c.key)):
        if case.status == "gap":
            reason = next(iter(case.reasons.values()), "")
            lines.append(f"- {case.service} · `{case.key}` ({case.ref}) — {reason}")
    return "\n".join(lines)


def write(doc_table: str) -> None:
    text = DOC.read_text()
    block = f"{START}\n{doc_table}\n{END}"
    if START in text and END in text:
        text = re.sub(
            re.escape(START) + r".*?" + re.escape(END), lambda _m: block, text, flags=re.S
        )
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--write", action="store_true", help="rewrite the table in docs/emulator.md"
    )
    parser.add_argument("--gaps", action="store_true", help="list every xfail gap")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args(argv)
    collector = Collector()
    code = pytest.main(
        [str(HERE), "-q", "-p", "no:cacheprovider", "-m", "not fuzz", *args.pytest_args],
        plugins=[collector],
    )
    cases = list(collector.cases.values())
    result = table(cases)
    print(result)
    if args.gaps:
        print(gaps(cases))
    if args.write:
        write(result)
        print(f"written to {DOC.relative_to(ROOT)}")
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
