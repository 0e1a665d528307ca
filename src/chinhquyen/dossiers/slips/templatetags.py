"""Template filters for the slip templates (registered on the slip engine as ``slips``)."""

from __future__ import annotations

from django import template

from . import formatting
from .data import Outcome, ReturnMethod, TimeUnit

register = template.Library()

register.filter("vn_date", formatting.vn_date)
register.filter("vn_datetime", formatting.vn_datetime)
register.filter("short_date", formatting.short_date)
register.filter("short_datetime", formatting.short_datetime)
register.filter("vnd", formatting.vnd)
register.filter("two_digits", formatting.two_digits)


@register.filter
def outcome_label(value: str) -> str:
    """The printed label of an early / on-time / late value ('' while still open)."""
    if not value:
        return ""
    return str(Outcome(value).label)


@register.filter
def return_method_label(value: str) -> str:
    return str(ReturnMethod(value).label)


@register.filter
def time_unit_label(value: str) -> str:
    return str(TimeUnit(value).label)
