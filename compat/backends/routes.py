"""Where a dialect's resource lives: ``{prefix}{account}{collection}[/{sid}]{suffix}``.

Rules: a :class:`Routes` value builds the list and instance paths of one resource and matches a
path back to ``(account, sid or None)``. Matching is structural only; SIDs are checked by the
backend, which answers its own 404 for a malformed one.
"""

from __future__ import annotations

import attrs

__all__ = ["Routes"]


@attrs.frozen
class Routes:
    """One dialect's paths: ``{prefix}{account}{collection}[/{sid}]{suffix}``."""

    prefix: str
    collection: str
    suffix: str

    def list_path(self, account_sid: str) -> str:
        return f"{self.prefix}{account_sid}{self.collection}{self.suffix}"

    def instance_path(self, account_sid: str, sid: str) -> str:
        return f"{self.prefix}{account_sid}{self.collection}/{sid}{self.suffix}"

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
        if rest == self.suffix:
            return account, None
        if not rest.startswith("/") or not rest.endswith(self.suffix):
            return None
        sid = rest[1:len(rest) - len(self.suffix)]
        if not sid or "/" in sid:
            return None
        return account, sid
