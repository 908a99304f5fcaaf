"""smsapp: a 2009 SMS integration, the worked example of docs/migration.md."""

import base64
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

TWILIO = "https://api.twilio.com"
API_VERSION = "2008-08-01"
ACCOUNT_SID = "AC..."
AUTH_TOKEN = "..."
OUR_NUMBER = "4155550100"


def call(method, path, params=None):
    url = f"{TWILIO}/{API_VERSION}/Accounts/{ACCOUNT_SID}{path}"
    data = urllib.parse.urlencode(params).encode() if params is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    secret = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    request.add_header("Authorization", "Basic " + secret)
    with urllib.request.urlopen(request, timeout=30) as response:
        return ET.fromstring(response.read())


def fields(element):
    return {child.tag: child.text or "" for child in element}


def send_sms(to, body):
    root = call("POST", "/SMS/Messages", {"From": OUR_NUMBER, "To": to, "Body": body})
    return fields(root.find("SMSMessage"))


def list_sms(to, num=10):
    query = urllib.parse.urlencode({"To": to, "num": num})
    root = call("GET", "/SMS/Messages?" + query)
    return [fields(sms) for sms in root.find("SMSMessages")]


def sms_reply(environ, start_response):
    """The number's SMS URL: answers every text with an <Sms>."""
    size = int(environ.get("CONTENT_LENGTH") or 0)
    form = urllib.parse.parse_qs(environ["wsgi.input"].read(size).decode())
    text = form["Body"][0]
    reply = f"<Response><Sms>You said: {escape(text)}</Sms></Response>"
    start_response("200 OK", [("Content-Type", "text/xml")])
    return [reply.encode()]
