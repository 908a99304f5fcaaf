"""Matching a live request against recorded ones, and saying what differed, field by field.

Rules this module keeps:

* A matcher is a function ``(recorded, live) -> list of differences`` (an empty list when they
  agree), over two requests that were both scrubbed by the same cassette. The built-in matchers
  are named: ``method``, ``path``, ``query`` and ``body`` (the default set, :data:`DEFAULT`).
  ``query`` and ``body`` compare form parameters as multisets: order is ignored, repeats count.
  A body that is not a form is compared byte for byte.
* Matching never consumes anything; choosing among candidates is the caller's job (the replay
  session plays each exchange once, in order). :func:`closest` picks the candidate with the fewest
  failing matchers, then the fewest differences, then the earliest.
* Differences quote scrubbed values only, so they are safe to print in CI logs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from compat.errors import CompatError, ConfigurationError
from compat.wire import WireRequest

__all__ = ["DEFAULT", "MATCHERS", "Matcher", "closest", "differences", "resolve"]

Matcher = Callable[[WireRequest, WireRequest], list[str]]
MatcherSpec = str | Matcher


def _short(value: str, limit: int = 60) -> str:
    shown = value if len(value) <= limit else value[: limit - 3] + "..."
    return repr(shown)


def compare_pairs(
    where: str, recorded: Iterable[tuple[str, str]], live: Iterable[tuple[str, str]]
) -> list[str]:
    """Differences between two sets of form pairs, order ignored, one line per parameter."""
    old: dict[str, list[str]] = {}
    new: dict[str, list[str]] = {}
    for name, value in recorded:
        old.setdefault(name, []).append(value)
    for name, value in live:
        new.setdefault(name, []).append(value)
    found = []
    for name in sorted(set(old) | set(new)):
        was, now = sorted(old.get(name, [])), sorted(new.get(name, []))
        if was == now:
            continue
        if not now:
            found.append(f"{where} {name}: recorded {_short(', '.join(was))}, not sent")
        elif not was:
            found.append(f"{where} {name}: sent {_short(', '.join(now))}, not recorded")
        else:
            found.append(
                f"{where} {name}: recorded {_short(', '.join(was))}, "
                f"sent {_short(', '.join(now))}"
            )
    return found


def match_method(recorded: WireRequest, live: WireRequest) -> list[str]:
    if recorded.method.upper() == live.method.upper():
        return []
    return [f"method: recorded {recorded.method}, sent {live.method}"]


def match_path(recorded: WireRequest, live: WireRequest) -> list[str]:
    if recorded.path == live.path:
        return []
    return [f"path: recorded {recorded.path}, sent {live.path}"]


def match_query(recorded: WireRequest, live: WireRequest) -> list[str]:
    return compare_pairs("query", recorded.query, live.query)


def _form(request: WireRequest) -> list[tuple[str, str]] | None:
    try:
        return request.form()
    except CompatError:
        return None


def match_body(recorded: WireRequest, live: WireRequest) -> list[str]:
    if recorded.body == live.body:
        return []
    old, new = _form(recorded), _form(live)
    if old is None or new is None:
        return [f"body: recorded {len(recorded.body)} bytes, sent {len(live.body)} bytes"]
    return compare_pairs("body", old, new)


MATCHERS: dict[str, Matcher] = {
    "method": match_method,
    "path": match_path,
    "query": match_query,
    "body": match_body,
}
DEFAULT: tuple[str, ...] = ("method", "path", "query", "body")


def resolve(specs: Iterable[MatcherSpec] | None) -> tuple[Matcher, ...]:
    """Matcher functions from names or callables (``None`` means :data:`DEFAULT`)."""
    found: list[Matcher] = []
    for spec in DEFAULT if specs is None else specs:
        if callable(spec):
            found.append(spec)
        elif spec in MATCHERS:
            found.append(MATCHERS[spec])
        else:
            known = ", ".join(MATCHERS)
            raise ConfigurationError(f"unknown matcher {spec!r}; known matchers: {known}")
    return tuple(found)


def differences(
    matchers: Sequence[Matcher], recorded: WireRequest, live: WireRequest
) -> list[list[str]]:
    """Per matcher, what differed (empty lists everywhere means a match)."""
    return [list(matcher(recorded, live)) for matcher in matchers]


def closest(
    matchers: Sequence[Matcher], candidates: Sequence[WireRequest], live: WireRequest
) -> tuple[int, list[str]] | None:
    """The index of the recorded request nearest ``live`` and the differences, or ``None``."""
    best: tuple[tuple[int, int, int], int, list[str]] | None = None
    for index, recorded in enumerate(candidates):
        found = differences(matchers, recorded, live)
        failing = sum(1 for item in found if item)
        flat = [line for item in found for line in item]
        rank = (failing, len(flat), index)
        if best is None or rank < best[0]:
            best = (rank, index, flat)
    return None if best is None else (best[1], best[2])
