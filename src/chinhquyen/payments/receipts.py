"""The electronic receipt (biên lai điện tử) of a paid online payment order.

``receipt_for(order)`` gathers what the receipt prints; ``render_receipt_pdf(order)`` lays it
out with WeasyPrint in the fonts of the one-stop slips (Times New Roman / Liberation Serif),
never reaching the network (``dossiers.slips.render.local_only_url_fetcher``).

The legal template of fee e-receipts (Decree 11/2020 and its successors: form symbol and
series) is UNCONFIRMED; the receipt number is the order's transaction reference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from num2words import num2words

from chinhquyen.dossiers.slips.formatting import vn_datetime, vnd
from chinhquyen.dossiers.slips.render import (
    PACKAGE_DIR,
    SlipRenderingUnavailable,
    local_only_url_fetcher,
)
from chinhquyen.payments.gateways import GATEWAYS
from chinhquyen.payments.models import PaymentOrder


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    amount: int
    amount_text: str


@dataclass(frozen=True)
class Receipt:
    number: str
    agency: str
    payer: str
    dossier_code: str
    procedure: str
    lines: list[ReceiptLine]
    amount: int
    amount_text: str
    amount_words: str
    gateway: str
    transaction_no: str
    bank_code: str
    paid_at: dt.datetime
    paid_at_text: str
    platform: str


def amount_in_words(amount: int, language: str = "vi") -> str:
    """'Hai mươi lăm nghìn đồng' (num2words); English: 'Twenty-five thousand dong'."""
    if language == "en":
        words = num2words(amount, lang="en") + " dong"
    else:
        words = num2words(amount, lang="vi") + " đồng"
    return words[:1].upper() + words[1:]


def receipt_for(order: PaymentOrder, *, language: str = "vi") -> Receipt:
    dossier = order.dossier
    gateway_class = GATEWAYS.get(order.gateway)
    with translation.override(language):
        lines = [
            ReceiptLine(line.name, int(line.amount), vnd(int(line.amount)))
            for line in order.fee_lines.order_by("id")
        ]
        return Receipt(
            number=order.reference,
            agency=dossier.receiving_agency.name,
            payer=order.payer_name,
            dossier_code=dossier.code,
            procedure=dossier.procedure_version.name,
            lines=lines,
            amount=order.amount,
            amount_text=vnd(order.amount),
            amount_words=amount_in_words(order.amount, language),
            gateway=gateway_class.label if gateway_class else order.gateway,
            transaction_no=order.gateway_transaction_no,
            bank_code=order.bank_code,
            paid_at=order.paid_at,
            paid_at_text=vn_datetime(order.paid_at),
            platform=settings.PLATFORM_NAME,
        )


def render_receipt_html(order: PaymentOrder, *, language: str = "vi") -> str:
    """The standalone HTML WeasyPrint lays out (its print CSS inline; not served)."""
    receipt = receipt_for(order, language=language)
    with translation.override(language):
        return render_to_string(
            "payments/receipt_print.html", {"receipt": receipt, "language": language}
        )


def render_receipt_pdf(order: PaymentOrder, *, language: str = "vi") -> bytes:
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango missing
        raise SlipRenderingUnavailable("WeasyPrint cannot load") from error
    document = weasyprint.HTML(
        string=render_receipt_html(order, language=language),
        base_url=PACKAGE_DIR.as_uri() + "/",
        url_fetcher=local_only_url_fetcher(),
    )
    return document.write_pdf()
