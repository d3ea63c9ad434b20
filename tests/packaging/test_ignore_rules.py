"""The ignore-rule stack, as the Appwrite CLI evaluates it (pure, no files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulator.packaging.ignore import RuleSet, is_ignored, root_rule_sets, split_rules


def stack(ignore=None, gitignore=None, nested=()):
    rule_sets = root_rule_sets(ignore, gitignore)
    rule_sets += [RuleSet.from_lines(base, text.splitlines()) for base, text in nested]
    return rule_sets


def test_ignore_accepts_a_list_or_a_newline_separated_string():
    assert split_rules(["a", "b\nc"]) == ["a", "b", "c"]
    assert split_rules("a\r\n  b  \n\n") == ["a", "b"]  # string lines are trimmed
    assert split_rules(None) == []
    with pytest.raises(TypeError, match="must be strings"):
        split_rules(["a", 3])


def test_dot_git_is_always_dropped_file_or_directory_at_any_depth():
    rules = stack()
    assert is_ignored(".git", rules, is_dir=True)
    assert is_ignored(".git", rules, is_dir=False)  # a worktree's .git file
    assert is_ignored("vendor/lib/.git", rules, is_dir=True)
    assert not is_ignored(".gitignore", rules, is_dir=False)
    assert not is_ignored("src/main.py", rules, is_dir=False)


def test_ignore_rules_and_gitignore_both_apply():
    rules = stack(ignore=["tests"], gitignore="*.log\n")
    assert is_ignored("tests", rules, is_dir=True)
    assert is_ignored("src/debug.log", rules, is_dir=False)
    assert not is_ignored("src/main.py", rules, is_dir=False)


def test_a_later_source_can_re_include_what_an_earlier_one_ignored():
    # The function's `ignore` comes first, the root .gitignore second: last opinion wins.
    rules = stack(ignore=["*.json"], gitignore="!schema.json\n")
    assert not is_ignored("schema.json", rules, is_dir=False)
    assert is_ignored("other.json", rules, is_dir=False)


def test_a_source_without_an_opinion_leaves_the_verdict_standing():
    rules = stack(ignore=["secret.txt"], gitignore="*.log\n", nested=[("src", "*.tmp\n")])
    assert is_ignored("secret.txt", rules, is_dir=False)
    assert is_ignored("src/secret.txt", rules, is_dir=False)  # unanchored: any depth


def test_negation_within_one_file_is_last_match_wins():
    rules = stack(gitignore="*.txt\n!keep.txt\n")
    assert is_ignored("notes.txt", rules, is_dir=False)
    assert not is_ignored("keep.txt", rules, is_dir=False)
    assert not is_ignored("deep/keep.txt", rules, is_dir=False)


def test_negation_cannot_rescue_a_file_under_an_ignored_directory():
    rules = stack(gitignore="temp/\n!temp/keep.txt\n")
    assert is_ignored("temp", rules, is_dir=True)
    assert is_ignored("temp/keep.txt", rules, is_dir=False)


def test_directory_patterns_match_directories_only():
    rules = stack(gitignore="build/\n")
    assert is_ignored("build", rules, is_dir=True)
    assert is_ignored("src/build", rules, is_dir=True)
    assert not is_ignored("build", rules, is_dir=False)  # a file named build stays


def test_anchored_patterns_match_at_their_own_root_only():
    rules = stack(gitignore="/config.py\nsrc/local.py\n")
    assert is_ignored("config.py", rules, is_dir=False)
    assert not is_ignored("src/config.py", rules, is_dir=False)
    assert is_ignored("src/local.py", rules, is_dir=False)
    assert not is_ignored("lib/src/local.py", rules, is_dir=False)


def test_nested_gitignore_applies_to_its_own_subtree_relative_to_itself():
    rules = stack(nested=[("src", "/helpers.py\n*.cache\n")])
    assert is_ignored("src/helpers.py", rules, is_dir=False)
    assert not is_ignored("helpers.py", rules, is_dir=False)  # outside its subtree
    assert not is_ignored("src/sub/helpers.py", rules, is_dir=False)  # anchored to src/
    assert is_ignored("src/sub/x.cache", rules, is_dir=False)
    assert not is_ignored("srcx/y.cache", rules, is_dir=False)  # a prefix is not a subtree


def test_nested_gitignore_can_re_include_what_the_root_ignored():
    rules = stack(gitignore="*.json\n", nested=[("schemas", "!*.json\n")])
    assert not is_ignored("schemas/article.json", rules, is_dir=False)
    assert is_ignored("data.json", rules, is_dir=False)


def test_comments_blank_lines_and_escapes_follow_gitignore():
    rules = stack(gitignore="# a comment\n\n\\#literal\nspace\\ \n")
    assert not is_ignored("# a comment", rules, is_dir=False)
    assert is_ignored("#literal", rules, is_dir=False)
    assert is_ignored("space ", rules, is_dir=False)


def test_double_star_spans_directories():
    rules = stack(ignore=["**/fixtures/**", "a/**/z.py"])
    assert is_ignored("tests/unit/fixtures/x.json", rules, is_dir=False)
    assert is_ignored("a/z.py", rules, is_dir=False)
    assert is_ignored("a/b/c/z.py", rules, is_dir=False)


def test_verdicts_agree_with_the_cli_ignore_package():
    """Every (rules, path) pair recorded from the CLI's own `ignore` package (see data/*.mjs)."""
    data = json.loads((Path(__file__).parent / "data" / "cli_ignore_verdicts.json").read_text())
    disagreements = []
    for config, expected in zip(data["configs"], data["ignored"], strict=True):
        rules = stack(config.get("ignore"), config.get("gitignore"), config.get("nested", ()))
        for (path, is_dir), verdict in zip(data["paths"], expected, strict=True):
            if is_ignored(path, rules, is_dir) != (verdict == "1"):
                disagreements.append((config, path, is_dir, verdict))
    assert len(data["configs"]) * len(data["paths"]) > 9000
    assert disagreements == []
