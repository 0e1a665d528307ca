from django import template

from chinhquyen.core.navigation import NavSection, navigation_for

register = template.Library()


@register.simple_tag(takes_context=True)
def backoffice_navigation(context) -> list[NavSection]:
    """The navigation sections for the signed-in user, the current page marked."""
    request = context.get("request")
    if request is None:
        return []
    return navigation_for(request.user, request.path)
