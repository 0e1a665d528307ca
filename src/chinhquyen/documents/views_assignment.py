"""Pages of assignment and processing: "My work", the assignment panel and its forms, the
overdue list per unit, the routing slip (PDF), follow-up tasks.

Views are thin: they fetch and authorise (``access_incoming``), call ``services.assignment`` /
``services.followup``, and turn ``DocumentError`` into the form page again with the bilingual
message and its status (400, 409). No JavaScript: every action is a form POST that redirects.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.core.navigation import NavItem, register
from chinhquyen.directory.models import Organisation
from chinhquyen.directory.views import staff_required
from chinhquyen.documents.choices import AssignmentRole, AssignmentStatus, IncomingStatus
from chinhquyen.documents.errors import DocumentError
from chinhquyen.documents.forms_assignment import (
    AssignForm,
    CompleteForm,
    OpinionForm,
    TaskFilterForm,
    TaskForm,
    TaskUpdateForm,
    WithdrawForm,
)
from chinhquyen.documents.models import Assignment, FollowUpTask, IncomingDocument, Opinion
from chinhquyen.documents.services import assignment as service
from chinhquyen.documents.services import followup
from chinhquyen.documents.services.access import access_incoming, incoming_visible
from chinhquyen.documents.services.reminders import overdue_summary, reminder_horizon

SECTION = _("Documents")
for _item in (
    NavItem(
        _("My work"), "documents:my_work", permission="documents.view_assignment", section=SECTION
    ),
    NavItem(
        _("Follow-up tasks"),
        "documents:tasks",
        permission="documents.view_followuptask",
        section=SECTION,
    ),
    NavItem(
        _("Overdue documents"),
        "documents:overdue",
        permission="documents.assign_incomingdocument",
        section=SECTION,
    ),
):
    register(_item)


# --- Helpers -----------------------------------------------------------------------------


def _access_assignment(user, pk: int) -> Assignment:
    """The assignment ``pk`` if ``user`` may see its document (else 404)."""
    assignment = get_object_or_404(
        Assignment.objects.select_related(
            "unit", "assignee", "parent__unit", "document__organisation"
        ),
        pk=pk,
    )
    access_incoming(user, assignment.document_id)
    return assignment


def _fail(request, error: DocumentError, template: str, context: dict):
    """The form page again with the service's bilingual message and its HTTP status."""
    form = context.get("form")
    if form is not None and error.field in getattr(form, "fields", {}):
        form.add_error(error.field, error.message)
    else:
        messages.error(request, error.message)
    return render(request, template, context, status=error.status)


def _warn(request, warnings) -> None:
    for warning in warnings:
        messages.warning(request, warning)


def _tree(assignments: list[Assignment]) -> list[tuple[Assignment, int]]:
    """The assignment tree in display order: (assignment, depth), children after parents."""
    children: dict[int | None, list[Assignment]] = {}
    for a in assignments:
        children.setdefault(a.parent_id, []).append(a)
    order = {AssignmentRole.LEAD: 0, AssignmentRole.COOPERATE: 1, AssignmentRole.INFORMATION: 2}
    result: list[tuple[Assignment, int]] = []

    def walk(parent_id, depth):
        for a in sorted(
            children.get(parent_id, []),
            key=lambda x: (x.status == AssignmentStatus.CANCELLED, order[x.role], x.pk),
        ):
            result.append((a, depth))
            walk(a.pk, depth + 1)

    walk(None, 0)
    return result


def panel_context(user, document: IncomingDocument, *, now=None) -> dict:
    """What the assignment panel shows and which actions ``user`` may take (3 queries)."""
    now = now or timezone.now()
    assignments = list(
        Assignment.objects.filter(document=document)
        .select_related("unit", "assignee", "assigned_by", "parent__unit")
        .prefetch_related(Prefetch("opinions", queryset=Opinion.objects.select_related("author")))
    )
    for a in assignments:
        a.document = document
    nodes = []
    in_work = document.status in service.IN_WORK
    for a, depth in _tree(assignments):
        active = a.status in service.ACTIVE and in_work
        nodes.append(
            {
                "a": a,
                "depth": depth,
                "indent": range(depth),
                "overdue": active and a.due_at is not None and a.due_at < now,
                "may_sub_assign": active and service.can_sub_assign(user, a),
                "may_start": active
                and a.status == AssignmentStatus.PENDING
                and a.role != AssignmentRole.INFORMATION
                and service.can_handle(user, a),
                "may_complete": active
                and a.role != AssignmentRole.INFORMATION
                and service.can_handle(user, a),
                "may_withdraw": active and service.can_withdraw(user, a),
            }
        )
    opinions = list(
        Opinion.objects.filter(document=document, assignment__isnull=True).select_related("author")
    )
    involved = service.is_involved(user, document, assignments)
    return {
        "document": document,
        "nodes": nodes,
        "general_opinions": opinions,
        "may_assign": document.status in service.ASSIGNABLE and service.can_assign(user, document),
        "may_opine": involved and (in_work or document.status == IncomingStatus.REGISTERED),
        "opinion_form": OpinionForm(),
        "now": now,
    }


# --- The panel and its actions -----------------------------------------------------------


@staff_required
def panel(request, pk: int):
    """The assignment panel on a page of its own (the incoming detail page includes it)."""
    document = access_incoming(request.user, pk)
    return render(
        request,
        "documents/assignment/panel_page.html",
        panel_context(request.user, document),
    )


@staff_required
def assign_view(request, pk: int):
    document = access_incoming(request.user, pk)
    if not service.can_assign(request.user, document):
        raise PermissionDenied
    form = AssignForm(request.POST or None, root=document.organisation)
    context = {"form": form, "document": document, "title": _("Assign the document")}
    template = "documents/assignment/assign.html"
    if request.method == "POST" and form.is_valid():
        try:
            result = service.assign(document, **form.decision(), acting_user=request.user)
        except DocumentError as error:
            return _fail(request, error, template, context)
        _warn(request, result.warnings)
        messages.success(request, _("The document was assigned."))
        return redirect("documents:assignment_panel", pk=document.pk)
    return render(request, template, context, status=400 if form.errors else 200)


@staff_required
def sub_assign_view(request, pk: int):
    assignment = _access_assignment(request.user, pk)
    if not service.can_sub_assign(request.user, assignment):
        raise PermissionDenied
    document = assignment.document
    form = AssignForm(request.POST or None, root=assignment.unit, require_lead=False)
    context = {
        "form": form,
        "document": document,
        "assignment": assignment,
        "title": _("Assign further"),
    }
    template = "documents/assignment/assign.html"
    if request.method == "POST" and form.is_valid():
        try:
            result = service.sub_assign(assignment, **form.decision(), acting_user=request.user)
        except DocumentError as error:
            return _fail(request, error, template, context)
        _warn(request, result.warnings)
        messages.success(request, _("The assignment was passed on."))
        return redirect("documents:assignment_panel", pk=document.pk)
    return render(request, template, context, status=400 if form.errors else 200)


@staff_required
@require_POST
def opinion_view(request, pk: int):
    document = access_incoming(request.user, pk)
    form = OpinionForm(request.POST)
    assignment = None
    if request.POST.get("assignment", "").isdigit():
        assignment = _access_assignment(request.user, int(request.POST["assignment"]))
    if not form.is_valid():
        context = panel_context(request.user, document)
        context["opinion_form"] = form
        return render(request, "documents/assignment/panel_page.html", context, status=400)
    try:
        service.add_opinion(
            document,
            text=form.cleaned_data["text"],
            assignment=assignment,
            acting_user=request.user,
        )
    except DocumentError as error:
        context = panel_context(request.user, document)
        context["opinion_form"] = form
        return _fail(request, error, "documents/assignment/panel_page.html", context)
    messages.success(request, _("Your opinion was added."))
    return redirect("documents:assignment_panel", pk=document.pk)


@staff_required
@require_POST
def start_view(request, pk: int):
    assignment = _access_assignment(request.user, pk)
    try:
        service.start(assignment, acting_user=request.user)
    except DocumentError as error:
        context = panel_context(request.user, assignment.document)
        return _fail(request, error, "documents/assignment/panel_page.html", context)
    messages.success(request, _("Work on the document has started."))
    return redirect("documents:assignment_panel", pk=assignment.document_id)


@staff_required
def complete_view(request, pk: int):
    assignment = _access_assignment(request.user, pk)
    if not service.can_handle(request.user, assignment):
        raise PermissionDenied
    document = assignment.document
    form = CompleteForm(request.POST or None, organisation=document.organisation)
    context = {"form": form, "document": document, "assignment": assignment}
    template = "documents/assignment/complete.html"
    if request.method == "POST" and form.is_valid():
        try:
            service.complete_assignment(
                assignment,
                result=form.cleaned_data.get("result", ""),
                result_document=form.cleaned_data.get("result_document"),
                acting_user=request.user,
            )
        except DocumentError as error:
            return _fail(request, error, template, context)
        messages.success(request, _("The assignment was completed."))
        return redirect("documents:assignment_panel", pk=document.pk)
    return render(request, template, context, status=400 if form.errors else 200)


@staff_required
@require_POST
def withdraw_view(request, pk: int):
    assignment = _access_assignment(request.user, pk)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    try:
        service.withdraw(assignment, reason=reason, acting_user=request.user)
    except DocumentError as error:
        context = panel_context(request.user, assignment.document)
        return _fail(request, error, "documents/assignment/panel_page.html", context)
    messages.success(request, _("The assignment was withdrawn."))
    return redirect("documents:assignment_panel", pk=assignment.document_id)


# --- My work -----------------------------------------------------------------------------


@staff_required
def my_work(request):
    """Assignments to me or my unit, by deadline (overdue first), and my open tasks."""
    now = timezone.now()
    horizon = reminder_horizon(now)
    visible = incoming_visible(request.user).values("pk")
    mine = service.assignments_of(request.user).filter(document__in=visible)
    work = (
        mine.filter(service.open_work())
        .select_related("document__document_type", "unit", "assignee")
        .order_by(F("due_at").asc(nulls_last=True), "pk")
    )
    page = Paginator(work, 50).get_page(request.GET.get("page"))
    for a in page:
        a.overdue = a.due_at is not None and a.due_at < now
        a.due_soon = not a.overdue and a.due_at is not None and a.due_at <= horizon
    information = (
        mine.filter(
            role=AssignmentRole.INFORMATION,
            status=AssignmentStatus.PENDING,
            document__status__in=service.IN_WORK,
        )
        .select_related("document", "unit")
        .order_by("-assigned_at")[:20]
    )
    tasks = list(
        followup.tasks_visible_to(request.user)
        .filter(status__in=followup.OPEN)
        .filter(assignee__user=request.user)
        .select_related("unit")
        .order_by(F("due_at").asc(nulls_last=True), "pk")[:50]
    )
    for t in tasks:
        t.overdue = t.due_at is not None and t.due_at < now
    return render(
        request,
        "documents/assignment/my_work.html",
        {
            "page": page,
            "information": information,
            "tasks": tasks,
            "overdue_count": sum(1 for a in page if a.overdue),
            "due_soon_count": sum(1 for a in page if a.due_soon),
        },
    )


# --- Overdue per unit --------------------------------------------------------------------


def _leader_roots(user) -> list[Organisation]:
    scope = organisation_scope(user, service.LEADER_PERM)
    if scope is ALL:
        return list(Organisation.objects.get_root_nodes())
    if not scope:
        raise PermissionDenied
    return list(Organisation.objects.filter(path__in=scope).order_by("path"))


@staff_required
def overdue(request):
    """Leaders: counts of overdue assignments and tasks per unit, then the items."""
    now = timezone.now()
    roots = _leader_roots(request.user)
    unit = None
    if request.GET.get("unit"):
        try:
            unit = Organisation.objects.get(pk=int(request.GET["unit"]))
        except (Organisation.DoesNotExist, ValueError):
            raise Http404 from None
        if not any(unit.path.startswith(r.path) for r in roots):
            raise Http404
        roots = [unit]
    summary = [row for root in roots for row in overdue_summary(root, at=now)]
    assignments, tasks = [], []
    for root in roots:
        assignments += list(
            service.overdue_assignments(root, at=now).select_related("document__document_type")
        )
        tasks += list(followup.overdue_tasks(root, at=now))
    return render(
        request,
        "documents/assignment/overdue.html",
        {
            "summary": summary,
            "assignments": assignments,
            "tasks": tasks,
            "unit": unit,
            "now": now,
            "total_assignments": sum(row[1] for row in summary),
            "total_tasks": sum(row[2] for row in summary),
        },
    )


# --- Routing slip (PDF) ------------------------------------------------------------------


def routing_slip_context(document: IncomingDocument) -> dict:
    """The three parts of the slip: the leader's decision (top-level assignments), the unit
    heads' assignments (sub-assignments), and the handlers' proposals (their opinions)."""
    assignments = list(
        Assignment.objects.filter(document=document)
        .exclude(status=AssignmentStatus.CANCELLED)
        .select_related("unit", "assignee", "assigned_by__official")
        .order_by("assigned_at", "pk")
    )
    handlers = {a.assignee.user_id for a in assignments if a.assignee_id}
    opinions = list(
        Opinion.objects.filter(document=document).select_related("author__official", "assignment")
    )
    top = [a for a in assignments if a.parent_id is None]
    organisation = document.organisation
    parent_path = organisation.path[: -organisation.steplen]
    return {
        "document": document,
        "parent_organisation": Organisation.objects.filter(path=parent_path).first()
        if parent_path
        else None,
        "leader": top,
        "leader_by": top[0].assigned_by if top else None,
        "leader_at": top[0].assigned_at if top else None,
        "leader_opinions": [o for o in opinions if o.author_id not in handlers],
        "units": [a for a in assignments if a.parent_id is not None],
        "proposals": [o for o in opinions if o.author_id in handlers],
        "printed_at": timezone.now(),
    }


def render_routing_slip(document: IncomingDocument) -> bytes:
    """The PDF (A4, Times-compatible Liberation Serif), rendered without network access."""
    import weasyprint
    from django.template.loader import render_to_string
    from django.utils import translation

    from chinhquyen.dossiers.slips.render import PACKAGE_DIR, local_only_url_fetcher

    with translation.override("vi"):
        html = render_to_string(
            "documents/assignment/routing_slip.html", routing_slip_context(document)
        )
    return weasyprint.HTML(
        string=html, base_url=PACKAGE_DIR.as_uri() + "/", url_fetcher=local_only_url_fetcher()
    ).write_pdf()


@staff_required
def routing_slip(request, pk: int):
    """Phiếu giải quyết văn bản đến (Decree 30/2020 Appendix IV) as a printable PDF."""
    document = access_incoming(request.user, pk)
    content = render_routing_slip(document)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"phieu-giai-quyet-{document.arrival_number or document.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- Follow-up tasks ---------------------------------------------------------------------


@staff_required
def task_list(request):
    visible = followup.tasks_visible_to(request.user)
    units = Organisation.objects.filter(pk__in=visible.values("unit")).order_by("path")
    data = request.GET.copy() if request.GET else {"status": "open"}
    form = TaskFilterForm(data, units=units)
    status, unit = "open", None
    if form.is_valid():
        status, unit = form.cleaned_data["status"], form.cleaned_data["unit"]
    now = timezone.now()
    rows = followup.tasks_for_unit(
        request.user,
        unit=unit,
        status=None if status == "overdue" else status,
        overdue_at=now if status == "overdue" else None,
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for t in page:
        t.overdue = t.status in followup.OPEN and t.due_at is not None and t.due_at < now
    may_create = bool(organisation_scope(request.user, service.LEADER_PERM))
    return render(
        request,
        "documents/assignment/task_list.html",
        {"form": form, "page": page, "may_create": may_create},
    )


@staff_required
def task_create(request):
    """A leader (or a unit head, within the unit) creates a task, optionally from a letter."""
    roots = _leader_roots(request.user)
    incoming = None
    source = request.POST.get("incoming") or request.GET.get("incoming")
    if source:
        incoming = access_incoming(request.user, source)
        organisation = incoming.organisation
        if followup.can_create_task(request.user, organisation):
            root = organisation
        else:
            root = next((r for r in roots if r.path.startswith(organisation.path)), None)
            if root is None:
                raise PermissionDenied
    else:
        root = organisation = roots[0]
    form = TaskForm(request.POST or None, root=root)
    context = {"form": form, "incoming": incoming, "root": root}
    template = "documents/assignment/task_form.html"
    if request.method == "POST" and form.is_valid():
        try:
            result = followup.create_task(
                title=form.cleaned_data["title"],
                responsible=form.responsible(),
                organisation=organisation,
                incoming=incoming,
                due_days=form.cleaned_data.get("due_days"),
                due_date=form.cleaned_data.get("due_date"),
                acting_user=request.user,
            )
        except DocumentError as error:
            return _fail(request, error, template, context)
        _warn(request, result.warnings)
        messages.success(request, _("The task was created."))
        return redirect("documents:task", pk=result.task.pk)
    return render(request, template, context, status=400 if form.errors else 200)


@staff_required
def task_detail(request, pk: int):
    try:
        task = (
            followup.tasks_visible_to(request.user)
            .select_related("unit", "assignee", "incoming", "outgoing", "created_by")
            .get(pk=pk)
        )
    except FollowUpTask.DoesNotExist:
        raise Http404 from None
    may_update = task.status in followup.OPEN and followup.can_update_task(request.user, task)
    form = TaskUpdateForm(
        request.POST or None, initial={"status": task.status, "progress": task.progress}
    )
    context = {"task": task, "form": form, "may_update": may_update, "now": timezone.now()}
    template = "documents/assignment/task_detail.html"
    if request.method == "POST":
        if not may_update and task.status in followup.OPEN:
            raise PermissionDenied
        if form.is_valid():
            try:
                followup.update_task(
                    task,
                    status=form.cleaned_data["status"],
                    progress=form.cleaned_data.get("progress", ""),
                    acting_user=request.user,
                )
            except DocumentError as error:
                return _fail(request, error, template, context)
            messages.success(request, _("The task was updated."))
            return redirect("documents:task", pk=task.pk)
        return render(request, template, context, status=400)
    return render(request, template, context)
