"""Twilio's documented upgrade for 2008 apps: swap ``2008-08-01`` for ``2010-04-01`` in the URLs
and keep parsing XML. A 2008-style app (plain httpx and ``xml.etree``, no compat client) does
exactly that against the emulator, in-process and served over loopback: it sends, fetches, pages
through lists, and gets validation errors, 405s and 404s, all in XML. ``.json`` still answers JSON.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

import httpx
import pytest

from compat.emulator import Emulator, serve_in_thread

TO, FROM = "5558675310", "5005550006"


class OldApp:
    """A 2008 app: builds its URLs from a version string and reads ``<TwilioResponse>``. It pages
    with ``PageSize`` (2008 took it besides ``num``; 2010 takes only ``PageSize``)."""

    def __init__(self, http: httpx.Client, account: str, version: str) -> None:
        self.http, self.account = http, account
        self.base = f"/{version}/Accounts/{account}/SMS/Messages"

    def _xml(self, response: httpx.Response) -> ET.Element:
        assert response.headers["content-type"].startswith("application/xml"), response.text
        root = ET.fromstring(response.content)
        assert root.tag == "TwilioResponse"
        (child,) = list(root)
        return child

    def send(self, body: str, to: str = TO) -> tuple[int, ET.Element]:
        response = self.http.post(self.base, data={"To": to, "From": FROM, "Body": body})
        return response.status_code, self._xml(response)

    def fetch(self, sid: str, suffix: str = "") -> tuple[int, ET.Element]:
        response = self.http.get(f"{self.base}/{sid}{suffix}")
        return response.status_code, self._xml(response)

    def pages(self, size: int) -> Iterator[ET.Element]:
        page = 0
        while True:
            response = self.http.get(self.base, params={"PageSize": size, "Page": page})
            listing = self._xml(response)
            yield listing
            page += 1
            if page >= int(listing.get("numpages") or 0):
                return


def _scenario(http: httpx.Client, account: str) -> None:
    old = OldApp(http, account, "2008-08-01")
    new = OldApp(http, account, "2010-04-01")
    # Sending: the same code, the same element, 2010's E.164 numbers and Direction.
    status, sent_old = old.send("from 2008")
    assert (status, sent_old.tag) == (201, "SMSMessage")
    status, sent = new.send("from 2010")
    assert (status, sent.tag) == (201, "SMSMessage")
    assert sent.findtext("To") == "+1" + TO
    assert sent.findtext("Direction") == "outbound-api"
    assert sent.findtext("ApiVersion") == "2010-04-01"
    sid = sent.findtext("Sid")
    assert sid is not None
    # Fetching, with no suffix and with .xml; a 2008 message reads through 2010 and back.
    for suffix in ("", ".xml"):
        status, fetched = new.fetch(sid, suffix)
        assert (status, fetched.findtext("Body")) == (200, "from 2010")
    status, through = new.fetch(sent_old.findtext("Sid") or "")
    assert (status, through.findtext("ApiVersion")) == (200, "2008-08-01")
    # Listing pages: counted, with the 2010 page URIs the 2008 pages lacked.
    for n in range(3):
        new.send(f"more {n}")
    pages = list(new.pages(2))
    assert [p.tag for p in pages] == ["SMSMessages"] * 3
    assert [len(p) for p in pages] == [2, 2, 1]
    assert pages[0].get("total") == "5"
    assert pages[0].get("previouspageuri") == ""
    assert pages[-1].get("nextpageuri") == ""
    assert "/2010-04-01/" in (pages[0].get("nextpageuri") or "")
    # Errors: validation, not found and method not allowed, all <RestException>.
    status, error = new.send("x" * 161)
    assert (status, error.tag, error.findtext("Code")) == (400, "RestException", "21605")
    status, error = new.send("hi", to="not a number")
    assert (status, error.findtext("Code")) == (400, "21211")
    status, error = new.fetch("SM" + "0" * 32)
    assert (status, error.tag, error.findtext("Status")) == (404, "RestException", "404")
    response = http.delete(f"{new.base}/{sid}")
    assert response.status_code == 405
    assert ET.fromstring(response.content)[0].findtext("Code") == "20004"
    # Paths no dialect serves answer a 404 in the representation asked for.
    response = http.get(f"/2010-04-01/Accounts/{account}/Calls")
    assert response.status_code == 404
    assert response.content.startswith(b"<?xml")
    response = http.get(f"/2010-04-01/Accounts/{account}/Calls.json")
    assert response.status_code == 404
    assert response.json()["code"] == 20404
    # The /Messages resource speaks XML too, and .json is still JSON.
    response = http.get(f"/2010-04-01/Accounts/{account}/Messages", params={"PageSize": 50})
    listing = ET.fromstring(response.content)[0]
    assert listing.tag == "Messages"
    assert len(listing) == 5
    assert listing[0].tag == "Message"
    response = http.get(f"/2010-04-01/Accounts/{account}/Messages/{sid}.json")
    assert response.json()["sid"] == sid


def test_a_2008_app_that_swaps_the_version_keeps_working_in_process() -> None:
    with Emulator(seed=9) as emulator:
        account = emulator.account
        with httpx.Client(transport=emulator.transport(), base_url="http://api.invalid",
                          auth=(account.sid, account.auth_token)) as http:
            _scenario(http, account.sid)


@pytest.mark.parametrize("seed", [10])
def test_a_2008_app_that_swaps_the_version_keeps_working_over_http(seed: int) -> None:
    with Emulator(seed=seed) as emulator, serve_in_thread(emulator) as served:
        account = emulator.account
        with httpx.Client(base_url=served.url, auth=(account.sid, account.auth_token)) as http:
            _scenario(http, account.sid)
