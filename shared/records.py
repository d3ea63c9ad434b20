"""Small value classes without `dataclasses` (issue 13, item 4; decision 0019).

Creating a dataclass runs `exec` on generated source for each of its methods: about 1 ms
per class on a cold worker, and a function's first request created seven or more of them
before its handler ran. These bases give the same behaviour to hand-written classes, for
the cost of an ordinary class statement:

    class Trigger(Frozen):
        __slots__ = ("event", "kind")

        def __init__(self, kind: str, event: Event | None = None):
            set_field(self, "kind", kind)
            set_field(self, "event", event)

* `Record`: equality by class and field values (`__slots__`, sorted as ruff wants them),
  unhashable (as a dataclass with `eq=True`), `repr` as a dataclass writes it (the fields
  in the order `__init__` takes them), fields named in `_hidden` left out of it (a key, a
  request context).
* `Frozen`: the same, immutable (assigning or deleting a field raises
  `FrozenInstanceError`, an `AttributeError`) and hashable by its field values. Its
  `__init__` sets fields with `set_field` (`object.__setattr__`).

A subclass names its fields in `__slots__` (no per-instance `__dict__`, so a misspelt
attribute is an error, not a new field) and writes its own `__init__`.
"""

from __future__ import annotations

from typing import Any

set_field = object.__setattr__  # how a `Frozen` `__init__` sets its fields


class FrozenInstanceError(AttributeError):
    """Assignment to a field of a `Frozen` instance."""


class Record:
    __slots__ = ()
    _hidden: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()  # type: ignore[attr-defined]
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable: not a dict key (as a dataclass)

    def __repr__(self) -> str:
        code = type(self).__init__.__code__  # the fields in the order `__init__` takes them
        names = code.co_varnames[1 : code.co_argcount + code.co_kwonlyargcount]
        shown = (f"{n}={getattr(self, n)!r}" for n in names if n not in self._hidden)
        return f"{type(self).__qualname__}({', '.join(shown)})"


class Frozen(Record):
    __slots__ = ()

    def __hash__(self) -> int:
        return hash(self._values())

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")
