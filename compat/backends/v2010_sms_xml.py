"""The deprecated 2010-04-01 ``/SMS/Messages`` resource in XML: what a 2008 app gets when it swaps
``2008-08-01`` for ``2010-04-01`` in its URLs and keeps parsing XML.

Rules this module keeps (the data; :mod:`compat.backends.xml_backend` does the rest):

* Paths: ``/2010-04-01/Accounts/{AccountSid}/SMS/Messages[/{Sid}]`` with no suffix (written) or
  ``.xml``; ``.json`` stays the JSON dialect's.
* A message is ``<TwilioResponse><SMSMessage>`` with the 13 elements of the 2010 documentation's
  example, in its order: Sid, DateCreated, DateUpdated, DateSent, AccountSid, To, From, Body,
  Status, Direction, Price, ApiVersion, Uri. The reader also takes the newer resource's elements
  and early 2010 ``<Flags>`` (a ``<Direction>`` wins). Numbers are E.164; statuses map down to
  queued, sending, sent, failed and received; the body limit is 160 (21605), as in the JSON twin.
* A page is ``<SMSMessages page numpages pagesize total start end uri firstpageuri
  previouspageuri nextpageuri lastpageuri>``; a URI that is absent is written ``""``; page URIs
  put ``Page`` before ``PageSize``.
* Create, fetch and list only: update and delete answer 405 (20004).
"""

from __future__ import annotations

from typing import ClassVar, Final

import attrs

from compat.backends.routes import Routes
from compat.backends.rules import DialectRules, Field
from compat.backends.v2008 import MESSAGE_HEAD, SMS_MESSAGES_PAGE
from compat.backends.v2010_sms import RULES_2010_SMS
from compat.backends.v2010_xml import CONTENT_TYPE, FIELDS_2010_XML, SUBRESOURCES
from compat.backends.xml_backend import XmlBackend

__all__ = ["RULES_2010_SMS_XML", "Backend2010SmsXml"]

_FIELDS: Final = (
    *MESSAGE_HEAD,
    Field("body", "Body"),
    Field("status", "Status", "status"),
    Field("direction", "Direction", "direction"),
    Field("price", "Price", "price"),
    Field("api_version", "ApiVersion"),
    Field("uri", "Uri", "uri"),
)

RULES_2010_SMS_XML: Final = attrs.evolve(
    RULES_2010_SMS,
    name="2010-04-01-sms-xml",
    routes=Routes("/2010-04-01/Accounts/", "/SMS/Messages", "", also=(".xml",)),
    fields=_FIELDS,
    readable_fields=(
        *(f for f in FIELDS_2010_XML if f.model not in {g.model for g in _FIELDS}),
        SUBRESOURCES,
        Field("direction", "Flags", "flags"),
    ),
    page_blanks=True,
    page_fields=SMS_MESSAGES_PAGE,
    message_name="SMSMessage",
    list_name="SMSMessages",
    content_type=CONTENT_TYPE,
    schemas={"*": "v2010/sms-messages.xsd"},
)


class Backend2010SmsXml(XmlBackend):
    """The legacy 2010-04-01 ``/SMS/Messages`` resource in XML, client and server side."""

    RULES: ClassVar[DialectRules] = RULES_2010_SMS_XML
