"""A 2008-08-01 SMS client written the way 2009-era code was: urllib and xml.etree, nothing else.

It knows nothing of twilio-compat: it is the unchanged legacy client the proxy must serve. Errors
(any HTTP status of 400 or more) raise :class:`RestException` read from ``<RestException>``.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

API_VERSION = "2008-08-01"


class RestException(Exception):
    def __init__(self, status: int, message: str, code: str | None, more_info: str | None,
                 headers: dict[str, str], body: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message
        self.code = code
        self.more_info = more_info
        self.headers = headers
        self.body = body


def _sms(element: ET.Element) -> dict[str, str]:
    return {child.tag: child.text or "" for child in element}


class Legacy2008Client:
    def __init__(self, base_url: str, account_sid: str, auth_token: str) -> None:
        self.base = f"{base_url}/{API_VERSION}/Accounts/{account_sid}/SMS/Messages"
        pair = f"{account_sid}:{auth_token}".encode()
        self.authorization = "Basic " + base64.b64encode(pair).decode()

    def request(self, method: str, url: str, params: dict[str, str] | None = None) -> ET.Element:
        data = urllib.parse.urlencode(params).encode() if params is not None else None
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("Authorization", self.authorization)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8")
            root = ET.fromstring(text)
            exc = root.find("RestException")
            assert exc is not None, text
            raise RestException(
                int(exc.findtext("Status") or 0), exc.findtext("Message") or "",
                exc.findtext("Code"), exc.findtext("MoreInfo"), dict(error.headers.items()), text,
            ) from None
        root = ET.fromstring(text)
        assert root.tag == "TwilioResponse", text
        return root

    def send_sms(self, from_: str, to: str, body: str,
                 status_callback: str | None = None) -> dict[str, str]:
        params = {"From": from_, "To": to, "Body": body}
        if status_callback:
            params["StatusCallback"] = status_callback
        element = self.request("POST", self.base, params).find("SMSMessage")
        assert element is not None
        return _sms(element)

    def get_sms(self, sid: str) -> dict[str, str]:
        element = self.request("GET", f"{self.base}/{sid}").find("SMSMessage")
        assert element is not None
        return _sms(element)

    def list_sms(self, **params: str | int) -> tuple[dict[str, str], list[dict[str, str]]]:
        query = urllib.parse.urlencode({k: str(v) for k, v in params.items()})
        root = self.request("GET", f"{self.base}?{query}" if query else self.base)
        listing = root.find("SMSMessages")
        assert listing is not None
        return dict(listing.attrib), [_sms(e) for e in listing.findall("SMSMessage")]
