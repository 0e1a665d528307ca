from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """Vietnamese đồng with dot thousands separators: 200000 → "200.000 đồng"; 0 → "free"."""
    if amount in (None, ""):
        return "—"
    value = int(Decimal(amount))
    if value == 0:
        return _("free of charge")
    return f"{value:,}".replace(",", ".") + " đồng"
