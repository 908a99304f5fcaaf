"""The 2010-04-01 dialect: ``/2010-04-01/Accounts/{AccountSid}/Messages[/{Sid}].json``, JSON out.

Rules this module keeps (the data; :mod:`compat.backends.json_backend` does the rest):

* Only the ``.json`` representation is offered here. A path of this resource without ``.json``
  (the XML default of the real API) is not this dialect's: ``parse_request`` returns ``None``.
* A message is the 20 documented properties, with sorted keys; numbers as the model holds them
  (E.164); every status is documented.
* Pages are linked by token: the filters, then ``PageSize``, ``Page`` and, after the first page,
  ``PageToken``; no totals.
* Create answers 201, delete 204 with no body; every operation is offered.
"""

from __future__ import annotations

from typing import ClassVar, Final

from compat.backends.base import Operation
from compat.backends.json_backend import CONTENT_TYPE, JsonBackend
from compat.backends.routes import Routes
from compat.backends.rules import (
    CREATE_PARAMS_2010,
    LIST_PARAMS_2010,
    STATUSES_2010,
    DialectRules,
    Field,
)
from compat.phone import NumberStyle

__all__ = ["FIELDS_2010", "RULES_2010", "Backend2010"]

#: The properties of a 2010 message, in the order written (sorted by name).
FIELDS_2010: Final = (
    Field("account_sid", "account_sid"),
    Field("api_version", "api_version"),
    Field("body", "body"),
    Field("date_created", "date_created", "date"),
    Field("date_sent", "date_sent", "date"),
    Field("date_updated", "date_updated", "date"),
    Field("direction", "direction", "direction"),
    Field("error_code", "error_code", "int"),
    Field("error_message", "error_message"),
    Field("from_", "from", "number"),
    Field("messaging_service_sid", "messaging_service_sid"),
    Field("num_media", "num_media", "count"),
    Field("num_segments", "num_segments", "count"),
    Field("price", "price", "price"),
    Field("price_unit", "price_unit"),
    Field("sid", "sid"),
    Field("status", "status", "status"),
    Field("subresource_uris", "subresource_uris", "subresources"),
    Field("to", "to", "number"),
    Field("uri", "uri", "uri"),
)

#: The paging facts of a 2010 page, in the order written (sorted by name).
PAGE_FIELDS_2010: Final = (
    Field("end", "end"),
    Field("first_page_uri", "first_page_uri"),
    Field("items", "messages"),
    Field("next_page_uri", "next_page_uri"),
    Field("page", "page"),
    Field("page_size", "page_size"),
    Field("previous_page_uri", "previous_page_uri"),
    Field("start", "start"),
    Field("uri", "uri"),
)

RULES_2010: Final = DialectRules(
    name="2010-04-01",
    api_version="2010-04-01",
    routes=Routes("/2010-04-01/Accounts/", "/Messages", ".json"),
    operations=frozenset(Operation),
    create_params=CREATE_PARAMS_2010,
    list_params=LIST_PARAMS_2010,
    fields=FIELDS_2010,
    statuses=STATUSES_2010,
    number_style=NumberStyle.E164,
    max_body_length=1600,
    body_too_long_code=21617,
    no_body_code=21619,
    counted_pages=False,
    page_fields=PAGE_FIELDS_2010,
    list_name="messages",
    content_type=CONTENT_TYPE,
    schemas={"message": "v2010/message.schema.json", "page": "v2010/message-page.schema.json",
             "error": "v2010/error.schema.json"},
)


class Backend2010(JsonBackend):
    """The 2010-04-01 ``/Messages.json`` dialect, client and server side. Stateless."""

    RULES: ClassVar[DialectRules] = RULES_2010
