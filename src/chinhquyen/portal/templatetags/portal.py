"""``{% localised obj "name" %}``: the English field when English is chosen and it is filled,
else the Vietnamese one, marked ``lang="vi"`` so that screen readers pronounce it right."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def localised(obj, field: str, plain: bool = False):
    """``plain=True`` for places where markup cannot go (the page title)."""
    vietnamese = getattr(obj, field, "") or ""
    if get_language() != "en":
        return vietnamese
    english = getattr(obj, f"{field}_en", "") or ""
    if english:
        return english
    if not vietnamese or plain:
        return vietnamese
    return format_html('<span lang="vi">{}</span>', vietnamese)


@register.simple_tag(takes_context=True)
def current_if(context, prefix: str, exact: bool = False, unless: str = ""):
    """``aria-current="page"`` when the request path is (or starts with) ``prefix`` — and does
    not start with ``unless``."""
    request = context.get("request")
    path = request.path if request is not None else ""
    if unless and path.startswith(unless):
        return ""
    if path == prefix or (not exact and path.startswith(prefix)):
        return format_html(' aria-current="{}"', "page")
    return ""
