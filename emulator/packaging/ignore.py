"""Ignore rules as the Appwrite CLI applies them when it packs a deployment (I/O-free).

The CLI (TypeScript >= 17.3 and the Go rewrite) keeps a stack of rule sets:

1. `.git` plus the function's own `ignore` rules, rooted at the function's `path`;
2. the `.gitignore` at the root of `path`, if any;
3. one per nested `.gitignore`, rooted at its own directory and active in that
   subtree only (a sibling directory never sees it).

A path is asked of every rule set whose subtree contains it, in that order, and the
last rule set with an opinion wins: "ignored", "re-included" (a `!` rule), or no
opinion at all, which leaves the earlier verdict standing. Within one rule set the
last matching rule wins, but a path under an ignored directory stays ignored
(a negation cannot rescue a child of an excluded directory). Directories are
tested with a trailing `/`, so `build/` matches the directory only.

Patterns are parsed by `pathspec` and matched the way the CLI's `ignore` npm package
matches them (checked against its recorded verdicts: tests/packaging/data/).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pathspec.patterns.gitignore import GitIgnorePatternError
from pathspec.patterns.gitignore.basic import GitIgnoreBasicPattern

ALWAYS_IGNORED = ".git"
# A `[` (not escaped) with no `]` after it: an invalid class, which the CLI's matcher drops.
_UNCLOSED_CLASS = re.compile(r"(?<!\\)\[[^\]]*$")


def split_rules(ignore: str | Iterable[str] | None) -> list[str]:
    """The function's `ignore` as rule lines, as the CLI reads it.

    A string is split into lines, each trimmed, blanks dropped; list items are kept
    as written (a multi-line item counts as several lines).
    """
    if ignore is None:
        return []
    if isinstance(ignore, str):
        return [line.strip() for line in ignore.splitlines() if line.strip()]
    lines: list[str] = []
    for item in ignore:
        if not isinstance(item, str):
            raise TypeError(f"ignore rules must be strings, got {type(item).__name__}: {item!r}")
        lines.extend(item.splitlines())
    return lines


@dataclass(frozen=True)
class Rule:
    """One pattern: `ignore` False for a `!` rule; `regex` matches the path itself only."""

    ignore: bool
    regex: re.Pattern[str]


def compile_rule(line: str) -> Rule | None:
    """A gitignore line as the CLI reads it; None for blanks, comments and unusable lines.

    pathspec parses the line (escapes, negation, trailing spaces, globs) into a
    regex that also matches everything below a matched directory. The CLI's
    matcher instead matches a path itself and handles directories by asking the
    ancestors first, so the regex's tail is narrowed to the path itself here.
    """
    body = line.removeprefix("!")
    body = body if body.endswith("\\ ") else body.rstrip()
    if body == "/" or _UNCLOSED_CLASS.search(body):
        return None  # the CLI's matcher never matches these; pathspec would
    try:
        pattern = GitIgnoreBasicPattern(line)
    except GitIgnorePatternError:
        return None  # the CLI drops what it cannot parse
    if pattern.include is None or pattern.regex is None:
        return None
    return Rule(pattern.include, re.compile(_self_match(pattern.regex.pattern, body.endswith("/"))))


def _self_match(prefix_regex: str, directory_only: bool) -> str:
    """Narrow one of pathspec's prefix regexes to a full match of the path itself."""
    if prefix_regex == ".":  # `*`, `**`, `**/*`: any path
        return ".+"
    if prefix_regex == "/":  # `*/`, `**/`: any directory; `**/*/**`: anything inside one
        return ".+/" if directory_only else ".+/.+"
    if prefix_regex.endswith("(?:/|$)"):  # `foo`, `*.py`: the path, file or directory
        return prefix_regex[: -len("(?:/|$)")] + "/?"
    if prefix_regex.endswith("/?$"):  # `a/*`
        return prefix_regex[:-1]
    if prefix_regex.endswith("/"):  # `foo/`: that directory; `foo/**`: anything below it
        return prefix_regex if directory_only else prefix_regex + ".+"
    raise AssertionError(f"unexpected pathspec regex {prefix_regex!r}")  # pinned pathspec


@dataclass(frozen=True)
class RuleSet:
    """Rules from one source, relative to `base` ("" = the function's `path`, else "a/b")."""

    base: str
    rules: tuple[Rule, ...]

    @classmethod
    def from_lines(cls, base: str, lines: Iterable[str]) -> RuleSet:
        return cls(base, tuple(rule for line in lines if (rule := compile_rule(line)) is not None))

    def applies_to(self, path: str) -> bool:
        return self.base == "" or path == self.base or path.startswith(self.base + "/")

    def verdict(self, path: str, is_dir: bool) -> bool | None:
        """True = ignored, False = re-included, None = no rule mentions the path."""
        local = path if self.base == "" else path[len(self.base) :].lstrip("/")
        if not local:
            return None
        # Ancestors first, shortest to longest: an ignored one settles it.
        parts = local.split("/")
        for depth in range(1, len(parts)):
            if self._last_match("/".join(parts[:depth]) + "/") is True:
                return True
        return self._last_match(local + "/" if is_dir else local)

    def _last_match(self, path: str) -> bool | None:
        verdict = None
        for rule in self.rules:
            if rule.regex.fullmatch(path):
                verdict = rule.ignore
        return verdict


def root_rule_sets(ignore: str | Iterable[str] | None, gitignore: str | None) -> list[RuleSet]:
    """The stack at the function's root: `.git` + `ignore`, then the root `.gitignore`."""
    stack = [RuleSet.from_lines("", [ALWAYS_IGNORED, *split_rules(ignore)])]
    if gitignore is not None:
        stack.append(RuleSet.from_lines("", gitignore.splitlines()))
    return stack


def is_ignored(path: str, rule_sets: Sequence[RuleSet], is_dir: bool) -> bool:
    """Whether `path` (relative to the function's root, `/`-separated) is left out."""
    ignored = False
    for rules in rule_sets:
        if not rules.applies_to(path):
            continue
        verdict = rules.verdict(path, is_dir)
        if verdict is not None:
            ignored = verdict
    return ignored
