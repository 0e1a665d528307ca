"""Status messages (edXML ``Status``): where a document is at its recipient.

The code table (``domain-vn.md`` §4.2, from the VPCP SDK client, UNCONFIRMED as an official
list) is the setting ``EDXML_STATUS_CODES`` with these defaults:

====  ===========================================  ====================================
Code  Meaning                                      Here
====  ===========================================  ====================================
01    đã đến (arrived)                             ``DeliveryStatus.DELIVERED``
02    từ chối tiếp nhận (rejected, sent back)      ``DeliveryStatus.REJECTED``
03    đã tiếp nhận (registered)                    ``DeliveryStatus.ACCEPTED``
04    phân công (assigned)                         ``DeliveryStatus.ASSIGNED``
05    đang xử lý (in progress)                     ``DeliveryStatus.IN_PROGRESS``
06    hoàn thành (completed)                       ``DeliveryStatus.COMPLETED``
13    lấy lại / thu hồi (recall request)           ``recall_request`` (sender → recipient)
15    đồng ý thu hồi (recall accepted)             ``recall_accepted`` → ``RECALLED``
16    từ chối thu hồi (recall refused)             ``recall_refused`` (noted, no change)
====  ===========================================  ====================================
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.exchange.edxml import conf
from chinhquyen.exchange.edxml import errors as e
from chinhquyen.exchange.edxml.model import Organ, ResponseFor, StaffInfo, StatusMessage

RECALL_REQUEST = "recall_request"
RECALL_ACCEPTED = "recall_accepted"
RECALL_REFUSED = "recall_refused"

# Statuses the documents app reports that have another name in the table.
_ALIASES = {"recalled": RECALL_ACCEPTED, "returned": "rejected"}

DESCRIPTIONS = {
    "01": "Đã đến",
    "02": "Từ chối tiếp nhận",
    "03": "Đã tiếp nhận",
    "04": "Phân công",
    "05": "Đang xử lý",
    "06": "Hoàn thành",
    "13": "Lấy lại, thu hồi",
    "15": "Đồng ý cập nhật, lấy lại, thu hồi",
    "16": "Từ chối cập nhật, lấy lại, thu hồi",
}


def meaning_of(code: str) -> str:
    """What a StatusCode means here: a ``DeliveryStatus`` value or a recall outcome."""
    table = conf.status_codes()
    if code not in table:
        raise e.PackageRefused(
            _("The status code %(value)s is not known."),
            code=e.UNKNOWN_STATUS_CODE,
            field="StatusCode",
            value=str(code)[:10],
        )
    return table[code]


def code_for(status: str) -> str:
    """The StatusCode for a ``DeliveryStatus`` value (or a recall outcome)."""
    wanted = _ALIASES.get(status, status)
    for code, meaning in conf.status_codes().items():
        if meaning == wanted:
            return code
    raise e.ExchangeError(
        _("The status %(value)s has no edXML status code."),
        code=e.UNKNOWN_STATUS_CODE,
        value=str(status),
    )


def status_message(
    *,
    response_for: ResponseFor,
    sender: Organ,
    status: str,
    description: str = "",
    at: datetime.datetime | None = None,
    staff: StaffInfo | None = None,
) -> StatusMessage:
    code = code_for(status)
    return StatusMessage(
        response_for=response_for,
        sender=sender,
        status_code=code,
        description=(description or DESCRIPTIONS.get(code, ""))[:500],
        timestamp=at or timezone.now(),
        staff=staff or StaffInfo(),
    )
