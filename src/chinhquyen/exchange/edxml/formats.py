"""Value formats of QCVN 102:2016 packages: dates, timestamps and the DocumentId."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.exchange.edxml import conf
from chinhquyen.exchange.edxml import errors as e


def format_date(value: datetime.date | None) -> str:
    """``yyyy/MM/dd``."""
    return value.strftime("%Y/%m/%d") if value else ""


def format_timestamp(value: datetime.datetime) -> str:
    """``yyyy/MM/dd HH:mm:ss`` in Vietnam time (``EDXML_TIME_ZONE``)."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value.astimezone(conf.time_zone()).strftime("%Y/%m/%d %H:%M:%S")


def _invalid(field: str, value: str) -> e.PackageRefused:
    return e.PackageRefused(
        _("The field %(name)s has an invalid value: %(value)s."),
        code=e.INVALID_FIELD,
        field=field,
        name=field,
        value=value[:60],
    )


def parse_date(value: str, *, field: str) -> datetime.date | None:
    """``yyyy/MM/dd`` (also ``yyyy-MM-dd``, seen in some packages); empty → None."""
    value = (value or "").strip()
    if not value:
        return None
    for pattern in ("%Y/%m/%d", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value[:10], pattern).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    raise _invalid(field, value)


def parse_timestamp(value: str, *, field: str) -> datetime.datetime | None:
    """``yyyy/MM/dd HH:mm:ss`` in Vietnam time → an aware datetime; empty → None."""
    value = (value or "").strip()
    if not value:
        return None
    for pattern in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            naive = datetime.datetime.strptime(value[:19], pattern)  # noqa: DTZ007 (zone below)
        except ValueError:
            continue
        return naive.replace(tzinfo=conf.time_zone())
    raise _invalid(field, value)


def document_id(organ_id: str, promulgation_date: datetime.date, code: str) -> str:
    """``OrganId,yyyy/MM/dd,Number/Notation`` — the identifier of an exchanged document."""
    return f"{organ_id},{format_date(promulgation_date)},{code}"


def split_document_id(value: str) -> tuple[str, datetime.date | None, str]:
    """(OrganId, date, number/notation) of a DocumentId; refused when it has not 3 parts."""
    parts = (value or "").split(",", 2)
    if len(parts) != 3 or not parts[0].strip() or not parts[2].strip():
        raise _invalid("DocumentId", value or "")
    organ_id, date_text, code = (part.strip() for part in parts)
    return organ_id, parse_date(date_text, field="DocumentId"), code
