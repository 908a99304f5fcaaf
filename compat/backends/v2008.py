"""The 2008-08-01 dialect: ``/2008-08-01/Accounts/{AccountSid}/SMS/Messages[/{Sid}]``, XML out.

Rules this module keeps (the data; :mod:`compat.backends.xml_backend` does the rest):

* ``<SMSMessage>`` children are written in the documented order Sid, DateCreated, DateUpdated,
  DateSent, AccountSid, To, From, Body, Status, Flags. Besides these the reader knows the ones
  early 2010-04-01 XML added (Direction, ApiVersion, Price, Uri, and Flags as ``<Flag>`` words),
  so every documented SMS document parses. A document without ``ApiVersion`` reads as
  ``2008-08-01``.
* NANP numbers are written as 10 bare digits and read back as E.164; statuses map down to queued,
  sending, sent and failed; the direction is the ``Flags`` bitmask (:mod:`compat.backends.flags`).
* Pages carry ``page``, ``numpages``, ``pagesize``, ``total``, ``start`` and ``end`` attributes
  (and, when reading, the page URIs later documents added); 2008 pages carry no URIs.
* The dialect has create, fetch and list; a POST may name its method in ``_method``. Anything
  else on its paths answers 405; the client side raises
  :class:`~compat.errors.UnsupportedOperation` for update and delete. Its 404 has no code.
"""

from __future__ import annotations

from typing import ClassVar, Final

from compat.backends.base import Operation
from compat.backends.routes import Routes
from compat.backends.rules import (
    CREATE_PARAMS_LEGACY,
    LIST_PARAMS_2008,
    STATUSES_2008,
    DialectRules,
    Field,
)
from compat.backends.xml_backend import XmlBackend
from compat.errors import ApiError
from compat.phone import NumberStyle

__all__ = ["CONTENT_TYPE", "MESSAGE_HEAD", "RULES_2008", "SMS_MESSAGES_PAGE", "Backend2008"]

CONTENT_TYPE: Final = "application/xml"

#: The elements every XML message begins with, 2008 and 2010 alike, in the order written.
MESSAGE_HEAD: Final = (
    Field("sid", "Sid"),
    Field("date_created", "DateCreated", "date"),
    Field("date_updated", "DateUpdated", "date"),
    Field("date_sent", "DateSent", "date"),
    Field("account_sid", "AccountSid"),
    Field("to", "To", "number"),
    Field("from_", "From", "number"),
)

#: The attributes of an ``<SMSMessages>`` page, in the order written (2008 writes none of the
#: URIs; the 2010 ``/SMS/Messages`` XML kept the same names and writes them).
SMS_MESSAGES_PAGE: Final = (
    Field("page", "page"),
    Field("num_pages", "numpages"),
    Field("page_size", "pagesize"),
    Field("total", "total"),
    Field("start", "start"),
    Field("end", "end"),
    Field("uri", "uri", "uri"),
    Field("first_page_uri", "firstpageuri", "uri"),
    Field("previous_page_uri", "previouspageuri", "uri"),
    Field("next_page_uri", "nextpageuri", "uri"),
    Field("last_page_uri", "lastpageuri", "uri"),
    Field("items", "SMSMessages"),
)

RULES_2008: Final = DialectRules(
    name="2008-08-01",
    api_version="2008-08-01",
    routes=Routes("/2008-08-01/Accounts/", "/SMS/Messages", ""),
    operations=frozenset({Operation.CREATE, Operation.FETCH, Operation.LIST}),
    create_params=CREATE_PARAMS_LEGACY,
    list_params=LIST_PARAMS_2008,
    fields=(
        *MESSAGE_HEAD,
        Field("body", "Body"),
        Field("status", "Status", "status"),
        Field("direction", "Flags", "flags"),
    ),
    readable_fields=(
        Field("direction", "Direction", "direction"),
        Field("api_version", "ApiVersion"),
        Field("price", "Price", "price"),
        Field("uri", "Uri", "uri"),
    ),
    statuses=STATUSES_2008,
    number_style=NumberStyle.NANP_DIGITS,
    max_body_length=160,
    body_too_long_code=21605,
    no_body_code=21602,
    max_media=0,
    counted_pages=True,
    page_uris=False,
    page_fields=SMS_MESSAGES_PAGE,
    message_name="SMSMessage",
    list_name="SMSMessages",
    method_override=True,
    content_type=CONTENT_TYPE,
    schemas={"*": "v2008/twilio-response.xsd"},
)


class Backend2008(XmlBackend):
    """The 2008-08-01 ``/SMS/Messages`` dialect, client and server side. Stateless."""

    RULES: ClassVar[DialectRules] = RULES_2008

    def not_found(self, path: str) -> ApiError:
        """The dialect's 404 (2008 gives no code)."""
        return ApiError(404, "The requested resource was not found")
