"""shared.patterns: regular expressions compiled on first use, answering like re.Pattern."""

import re

from shared.patterns import LazyPattern, lazy


def test_nothing_is_compiled_until_first_use():
    pattern = lazy(r"^Bearer\s+(\S+)$", re.I)
    assert isinstance(pattern, LazyPattern)
    assert "not compiled yet" in repr(pattern)
    assert pattern.match("bearer abc").group(1) == "abc"
    assert "not compiled yet" not in repr(pattern)
    assert pattern.compiled is pattern.compiled  # compiled once, then reused


def test_answers_like_the_compiled_pattern():
    source, flags = r"(?P<word>[a-z]+)-(\d+)", re.IGNORECASE
    eager, deferred = re.compile(source, flags), lazy(source, flags)
    for text in ("abc-12", "X-1 and y-2", "nothing", "ABC-3"):
        assert bool(deferred.match(text)) == bool(eager.match(text))
        assert bool(deferred.fullmatch(text)) == bool(eager.fullmatch(text))
        assert deferred.findall(text) == eager.findall(text)
        assert deferred.sub("#", text) == eager.sub("#", text)
    assert deferred.pattern == source
    assert deferred.flags == eager.flags
    assert deferred.groupindex == eager.groupindex
