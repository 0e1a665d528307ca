"""The audit trail in the back office: a filtered list and one entry's before/after."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from chinhquyen.audit.forms import AuditFilterForm
from chinhquyen.audit.models import AuditEntry

PAGE_SIZE = 50
VIEW_PERMISSION = "audit.view_auditentry"


def visible_entries(user):
    """The entries ``user`` may read.

    Those who hold ``audit.view_auditentry`` everywhere (system administrators, superusers)
    read the whole trail. Someone who holds it in part of the tree (an agency's IT
    administrator) reads what the officials of that part did; entries of the system and of
    other agencies stay hidden. No permission at all: PermissionDenied.
    """
    from chinhquyen.accounts.scopes import organisation_scope
    from chinhquyen.core.authz import scope_condition

    condition = scope_condition(
        organisation_scope(user, VIEW_PERMISSION), "actor__official__organisation__path"
    )
    if condition is None:
        raise PermissionDenied
    return AuditEntry.objects.select_related("actor").filter(condition)


@require_GET
@login_required
def entry_list(request):
    entries = visible_entries(request.user).order_by("-id")
    filters = {key: value for key, value in request.GET.items() if key != "before"}
    form = AuditFilterForm(filters or None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            entries = form.filter(entries)
        else:
            entries, status = entries.none(), 400
    # Keyset pagination (newest first, "older" continues below the last id shown): no COUNT(*)
    # over a table that only grows, and every page is one indexed range scan.
    before = request.GET.get("before", "")
    # isascii(): "²".isdigit() is true, yet int("²") raises.
    paged = before.isascii() and before.isdigit()
    if paged:
        entries = entries.filter(id__lt=int(before))
    page = list(entries[: PAGE_SIZE + 1])
    older = page[PAGE_SIZE - 1].id if len(page) > PAGE_SIZE else None
    context = {
        "form": form,
        "entries": page[:PAGE_SIZE],
        "older": older,
        "paged": paged,
    }
    return render(request, "audit/entry_list.html", context, status=status)


@require_GET
@login_required
def entry_detail(request, pk: int):
    entry = get_object_or_404(visible_entries(request.user), pk=pk)
    before, after = entry.before or {}, entry.after or {}
    changed = set(entry.changed_fields)
    rows = [
        {
            "field": name,
            "before": before.get(name),
            "after": after.get(name),
            "changed": name in changed
            or (bool(before) and bool(after) and before.get(name) != after.get(name)),
        }
        for name in dict.fromkeys([*before, *after])
    ]
    return render(request, "audit/entry_detail.html", {"entry": entry, "rows": rows})
