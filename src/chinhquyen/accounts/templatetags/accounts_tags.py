from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(value) -> int:
    """Whole minutes of a timedelta (rounded up), e.g. the lockout cool-off."""
    if not isinstance(value, timedelta):
        return 0
    return max(0, -(-int(value.total_seconds()) // 60))
