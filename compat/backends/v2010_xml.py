"""The 2010-04-01 ``/Messages`` resource in XML, the API's default representation.

Rules this module keeps (the data; :mod:`compat.backends.xml_backend` does the rest):

* Paths: ``/2010-04-01/Accounts/{AccountSid}/Messages[/{Sid}]`` with no suffix (what the client
  side writes) or ``.xml``; ``.json`` stays the JSON dialect's.
* A message is ``<TwilioResponse><Message>`` with the 19 stored properties in XML casing, in this
  order: Sid, DateCreated, DateUpdated, DateSent, AccountSid, To, From, MessagingServiceSid, Body,
  Status, NumSegments, NumMedia, Direction, ApiVersion, Price, PriceUnit, ErrorCode, ErrorMessage,
  Uri. ``<SubresourceUris>`` is read (and ignored), never written. Numbers are E.164, every status
  is documented, the body limit is 1,600 (21617), as in the JSON twin.
* A page is ``<Messages page pagesize start end uri firstpageuri previouspageuri nextpageuri>``
  (no totals: pages are linked by token, as in JSON); a URI that is absent is written ``""``.
* Every operation is offered: update is a POST to the instance, delete answers 204 with no body.
"""

from __future__ import annotations

from typing import ClassVar, Final

import attrs

from compat.backends.routes import Routes
from compat.backends.rules import DialectRules, Field
from compat.backends.v2008 import MESSAGE_HEAD
from compat.backends.v2010 import RULES_2010
from compat.backends.xml_backend import XmlBackend

__all__ = ["CONTENT_TYPE", "FIELDS_2010_XML", "RULES_2010_XML", "Backend2010Xml"]

CONTENT_TYPE: Final = "application/xml"

#: The elements of a 2010 ``<Message>``, in the order written.
FIELDS_2010_XML: Final = (
    *MESSAGE_HEAD,
    Field("messaging_service_sid", "MessagingServiceSid"),
    Field("body", "Body"),
    Field("status", "Status", "status"),
    Field("num_segments", "NumSegments", "count"),
    Field("num_media", "NumMedia", "count"),
    Field("direction", "Direction", "direction"),
    Field("api_version", "ApiVersion"),
    Field("price", "Price", "price"),
    Field("price_unit", "PriceUnit"),
    Field("error_code", "ErrorCode", "int"),
    Field("error_message", "ErrorMessage"),
    Field("uri", "Uri", "uri"),
)

#: Read, never written: the links Twilio derives from the SIDs.
SUBRESOURCES: Final = Field("subresource_uris", "SubresourceUris", "subresources")

RULES_2010_XML: Final = attrs.evolve(
    RULES_2010,
    name="2010-04-01-xml",
    routes=Routes("/2010-04-01/Accounts/", "/Messages", "", also=(".xml",)),
    fields=FIELDS_2010_XML,
    readable_fields=(SUBRESOURCES,),
    page_blanks=True,
    page_fields=(
        Field("page", "page"),
        Field("page_size", "pagesize"),
        Field("start", "start"),
        Field("end", "end"),
        Field("uri", "uri", "uri"),
        Field("first_page_uri", "firstpageuri", "uri"),
        Field("previous_page_uri", "previouspageuri", "uri"),
        Field("next_page_uri", "nextpageuri", "uri"),
        Field("items", "Messages"),
    ),
    message_name="Message",
    list_name="Messages",
    content_type=CONTENT_TYPE,
    schemas={"*": "v2010/messages.xsd"},
)


class Backend2010Xml(XmlBackend):
    """The 2010-04-01 ``/Messages`` resource in XML, client and server side. Stateless."""

    RULES: ClassVar[DialectRules] = RULES_2010_XML
