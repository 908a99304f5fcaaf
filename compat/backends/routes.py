"""Where a dialect's resource lives: ``{prefix}{account}{collection}[/{sid}]{suffix}``.

Rules: a :class:`Routes` value builds the list and instance paths of one resource and matches a
path back to ``(account, sid or None)``. Paths are built with ``suffix``; the server side also
accepts each of ``also`` (the 2010 XML representation is both the bare path and ``.xml``).
Matching is structural only; SIDs are checked by the backend, which answers its own 404 for a
malformed one. A SID segment holding a dot names a representation (``SM….json``): when that
suffix is not one of this route's, the path is not this route's.
"""

from __future__ import annotations

import functools

import attrs

__all__ = ["Routes", "extension"]


def extension(path: str) -> str:
    """The representation suffix of ``path``'s last segment (``".json"``, ``".xml"``, or ``""``)."""
    last = path.rsplit("/", 1)[-1]
    dot = last.rfind(".")
    return last[dot:] if dot > 0 else ""


@attrs.frozen
class Routes:
    """One dialect's paths: ``{prefix}{account}{collection}[/{sid}]{suffix}``."""

    prefix: str
    collection: str
    suffix: str
    #: Other suffixes the server side accepts for the same resource (never written).
    also: tuple[str, ...] = ()

    @functools.cached_property
    def suffixes(self) -> tuple[str, ...]:
        """Every suffix accepted, longest first (so ``.xml`` is tried before the bare path);
        worked out once per value."""
        return tuple(sorted({self.suffix, *self.also}, key=len, reverse=True))

    def list_path(self, account_sid: str) -> str:
        return f"{self.prefix}{account_sid}{self.collection}{self.suffix}"

    @functools.cached_property
    def instance_parts(self) -> tuple[str, str, str]:
        """The fixed text of an instance path: before the account SID, between it and the
        message SID, and after that (what a writer lays out around the two SIDs)."""
        return self.prefix, f"{self.collection}/", self.suffix

    def instance_path(self, account_sid: str, sid: str) -> str:
        before, between, after = self.instance_parts
        return f"{before}{account_sid}{between}{sid}{after}"

    def speaks(self, path: str) -> bool:
        """Whether ``path``'s representation suffix is one this route accepts."""
        return extension(path) in self.suffixes

    def match(self, path: str) -> tuple[str, str | None] | None:
        """``(account, sid or None)`` when ``path`` is this dialect's, else ``None``.

        The SIDs are not checked here; the backend answers 404 for a malformed one.
        """
        if not path.startswith(self.prefix):
            return None
        account, slash, rest = path[len(self.prefix):].partition("/")
        if not account or not slash:
            return None
        rest = "/" + rest
        if not rest.startswith(self.collection):
            return None
        rest = rest[len(self.collection):]
        for suffix in self.suffixes:
            if rest == suffix:
                return account, None
        if not rest.startswith("/"):
            return None
        for suffix in self.suffixes:
            if not rest.endswith(suffix):
                continue
            sid = rest[1:len(rest) - len(suffix)]
            if not sid or "/" in sid or "." in sid:
                continue
            return account, sid
        return None
