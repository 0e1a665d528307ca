"""``{% assignment_panel document %}``: the assignment panel of an incoming document.

The incoming detail page includes ``documents/assignment/_panel.html``, which calls this tag,
so the page's view needs to know nothing about assignments (the panel costs 3 queries).
"""

from django import template

register = template.Library()


@register.inclusion_tag("documents/assignment/_panel_body.html", takes_context=True)
def assignment_panel(context, document):
    from chinhquyen.documents.views_assignment import panel_context

    request = context.get("request")
    result = panel_context(request.user, document)
    result["request"] = request
    result["csrf_token"] = context.get("csrf_token")
    result["embedded"] = True
    return result
