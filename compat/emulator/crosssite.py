"""Which requests a browser says came from another site: the rule that keeps web pages off
``/__admin``.

Rules: browsers mark every request with ``Sec-Fetch-Site`` and, for POSTs and cross-origin
fetches, ``Origin``; curl, SDKs and other scripts send neither. A request is refused when
``Sec-Fetch-Site`` is ``cross-site`` or ``same-site`` (another port or subdomain is another
application), or when ``Origin`` names a host other than the one the request was sent to (``null``
included). ``same-origin`` and ``none`` (an address typed into the browser) pass. Header names are
matched without regard to case.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

__all__ = ["cross_site_refusal"]

_FOREIGN_SITES = frozenset({"cross-site", "same-site"})


def cross_site_refusal(headers: Iterable[tuple[str, str]]) -> str | None:
    """Why a request with these headers is refused as coming from another site, or ``None``."""
    seen = {name.lower(): value for name, value in headers}
    site = seen.get("sec-fetch-site", "").strip().lower()
    if site in _FOREIGN_SITES:
        return f"a {site} request may not use the emulator's admin routes"
    origin = seen.get("origin")
    if origin is not None:
        host = seen.get("host", "").strip().lower()
        if not host or urlsplit(origin.strip()).netloc.lower() != host:
            return f"requests from the origin {origin!r} may not use the emulator's admin routes"
    return None
