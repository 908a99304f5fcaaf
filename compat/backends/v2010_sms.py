"""The deprecated 2010-04-01 ``/SMS/Messages.json`` dialect that twilio-python 3.x to 5.x spoke.

Rules this module keeps:

* Same envelope rules as :mod:`compat.backends.v2010` (JSON only, strict types, unknown keys
  ignored); what differs is data: the path ``/2010-04-01/Accounts/{AccountSid}/SMS/Messages``,
  the 160-character body (21605, and 21602 for a missing body), no media, no Messaging Service.
* A message has the 13 keys the legacy resource had, in its order: sid, date_created,
  date_updated, date_sent, account_sid, to, from, body, status, direction, api_version, price,
  uri. Statuses map down to queued, sending, sent, failed and received.
* A page lists its records under ``sms_messages`` and carries ``num_pages``, ``total`` and
  ``last_page_uri``; its page URIs put ``Page`` before ``PageSize`` and have no ``PageToken``.
* The resource has create, fetch and list only: update and delete answer 405 on the server side
  and raise :class:`~compat.errors.UnsupportedOperation` on the client side.
"""

from __future__ import annotations

from typing import Any, ClassVar

from compat.backends._common import Routes
from compat.backends._mapping import V2010_SMS, status_for
from compat.backends.base import Operation
from compat.backends.v2010 import JsonBackend, _date, _price
from compat.model import Message, MessagePage

__all__ = ["Backend2010Sms"]


class Backend2010Sms(JsonBackend):
    """The legacy 2010-04-01 ``/SMS/Messages.json`` dialect, client and server side. Stateless."""

    name: str = V2010_SMS
    api_version: str = "2010-04-01"
    max_body_length: int = 160
    body_too_long_code: int = 21605
    no_body_code: int = 21602
    operations: frozenset[Operation] = frozenset(
        {Operation.CREATE, Operation.FETCH, Operation.LIST}
    )
    routes: Routes = Routes("/2010-04-01/Accounts/", "/SMS/Messages", ".json")
    list_key: ClassVar[str] = "sms_messages"
    counted_pages: ClassVar[bool] = True
    page_uri_order: ClassVar[tuple[str, ...]] = ("Page", "PageSize")

    def message_document(self, message: Message, created: bool = False) -> dict[str, Any]:
        direction = message.direction
        return {
            "sid": message.sid,
            "date_created": _date(message.date_created),
            "date_updated": _date(message.date_updated),
            "date_sent": _date(message.date_sent),
            "account_sid": message.account_sid,
            "to": message.to,
            "from": message.from_,
            "body": message.body,
            "status": status_for(V2010_SMS, message.status).value,
            "direction": None if direction is None else direction.value,
            "api_version": message.api_version,
            "price": _price(message.price),
            "uri": self.message_uri(message),
        }

    def _page_document(self, page: MessagePage) -> dict[str, Any]:
        return {
            "page": page.page,
            "num_pages": page.num_pages,
            "page_size": page.page_size,
            "total": page.total,
            "start": page.start,
            "end": page.end,
            "uri": page.uri,
            "first_page_uri": page.first_page_uri,
            "previous_page_uri": page.previous_page_uri,
            "next_page_uri": page.next_page_uri,
            "last_page_uri": page.last_page_uri,
            "sms_messages": [self.message_document(message) for message in page.items],
        }
