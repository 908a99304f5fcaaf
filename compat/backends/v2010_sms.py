"""The deprecated 2010-04-01 ``/SMS/Messages.json`` dialect that twilio-python 3.x to 5.x spoke.

Rules this module keeps (the data; :mod:`compat.backends.json_backend` does the rest):

* The path ``/2010-04-01/Accounts/{AccountSid}/SMS/Messages``, the 160-character body (21605, and
  21602 for a missing body), no media, no Messaging Service.
* A message has the 13 keys the legacy resource had, in its order: sid, date_created,
  date_updated, date_sent, account_sid, to, from, body, status, direction, api_version, price,
  uri; the reader also takes the newer resource's properties. Statuses map down to queued,
  sending, sent, failed and received.
* A page lists its records under ``sms_messages`` and carries ``num_pages``, ``total`` and
  ``last_page_uri``; its page URIs put ``Page`` before ``PageSize`` and have no ``PageToken``.
* The resource has create, fetch and list only: update and delete answer 405 on the server side
  and raise :class:`~compat.errors.UnsupportedOperation` on the client side.
"""

from __future__ import annotations

from typing import ClassVar, Final

import attrs

from compat.backends.base import Operation
from compat.backends.json_backend import JsonBackend
from compat.backends.routes import Routes
from compat.backends.rules import (
    CREATE_PARAMS_LEGACY,
    LIST_PARAMS_LEGACY,
    STATUSES_2010_SMS,
    DialectRules,
    Field,
    Param,
)
from compat.backends.v2010 import FIELDS_2010, RULES_2010

__all__ = ["RULES_2010_SMS", "Backend2010Sms"]

_FIELDS: Final = (
    Field("sid", "sid"),
    Field("date_created", "date_created", "date"),
    Field("date_updated", "date_updated", "date"),
    Field("date_sent", "date_sent", "date"),
    Field("account_sid", "account_sid"),
    Field("to", "to", "number"),
    Field("from_", "from", "number"),
    Field("body", "body"),
    Field("status", "status", "status"),
    Field("direction", "direction", "direction"),
    Field("api_version", "api_version"),
    Field("price", "price", "price"),
    Field("uri", "uri", "uri"),
)

_PAGE_FIELDS: Final = (
    Field("page", "page"),
    Field("num_pages", "num_pages"),
    Field("page_size", "page_size"),
    Field("total", "total"),
    Field("start", "start"),
    Field("end", "end"),
    Field("uri", "uri"),
    Field("first_page_uri", "first_page_uri"),
    Field("previous_page_uri", "previous_page_uri"),
    Field("next_page_uri", "next_page_uri"),
    Field("last_page_uri", "last_page_uri"),
    Field("items", "sms_messages"),
)

RULES_2010_SMS: Final = attrs.evolve(
    RULES_2010,
    name="2010-04-01-sms",
    routes=Routes("/2010-04-01/Accounts/", "/SMS/Messages", ".json"),
    operations=frozenset({Operation.CREATE, Operation.FETCH, Operation.LIST}),
    create_params=(*CREATE_PARAMS_LEGACY, Param("application_sid", "ApplicationSid", "text")),
    list_params=LIST_PARAMS_LEGACY,
    fields=_FIELDS,
    readable_fields=tuple(
        f for f in FIELDS_2010 if f.model not in {g.model for g in _FIELDS}
        and f.kind != "subresources"
    ),
    statuses=STATUSES_2010_SMS,
    max_body_length=160,
    body_too_long_code=21605,
    no_body_code=21602,
    max_media=0,
    counted_pages=True,
    page_uri_order=("Page", "PageSize"),
    page_fields=_PAGE_FIELDS,
    list_name="sms_messages",
    schemas={"message": "v2010/sms-message.schema.json",
             "page": "v2010/sms-message-page.schema.json", "error": "v2010/error.schema.json"},
)


class Backend2010Sms(JsonBackend):
    """The legacy 2010-04-01 ``/SMS/Messages.json`` dialect, client and server side. Stateless."""

    RULES: ClassVar[DialectRules] = RULES_2010_SMS
