"""Pages of outgoing documents: the lists by stage, the draft form, the document page (versions,
review chain, comments, recipients with their status, timeline) and its actions.

Thin: lists through ``services.access.outgoing_visible``, the page through
``access_outgoing``, every change through ``services.drafting/review/issuing/distribution``.
No JavaScript: each action is a small POST form; a refusal shows a page with the bilingual
reason (400), a wrong state is 409, a wrong person 403. Files are streamed by
``outgoing_version_file`` / ``outgoing_file`` after the reader was authorised.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Min, OuterRef, Q, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from chinhquyen.accounts.choices import Role
from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.directory.models import Official, Organisation
from chinhquyen.directory.views import staff_required
from chinhquyen.documents.choices import (
    FileKind,
    OutgoingStatus,
    ReviewDecision,
    ReviewerRole,
)
from chinhquyen.documents.errors import DocumentError
from chinhquyen.documents.forms_outgoing import (
    CommentForm,
    DecisionForm,
    DraftForm,
    RecallForm,
    ReturnForm,
    SignForm,
    SubmitForm,
    VersionForm,
)
from chinhquyen.documents.models import DocumentFile, DraftVersion, ReviewStep
from chinhquyen.documents.services import distribution, drafting, issuing, review
from chinhquyen.documents.services.access import access_outgoing, holds, outgoing_visible
from chinhquyen.documents.services.numbering import types_in_force

STEPLEN = 4  # django-treebeard materialised path step of Organisation


def _tabs() -> dict:
    return {
        "all": _("All"),
        "mine": _("Drafts I wrote"),
        "review": _("To review"),
        "number": _("To number"),
        "sign": _("To sign"),
        "issue": _("To seal and issue"),
        "issued": _("Issued"),
        "recalled": _("Recalled"),
    }


def _tab_filter(queryset, tab: str, user):
    if tab == "mine":
        return queryset.filter(created_by=user)
    if tab == "review":
        pending = ReviewStep.objects.filter(
            document=OuterRef("pk"), decision=ReviewDecision.PENDING
        )
        mine = pending.filter(reviewer=user).order_by("order").values("order")[:1]
        first = pending.values("document").annotate(first=Min("order")).values("first")[:1]
        return (
            queryset.filter(status=OutgoingStatus.IN_REVIEW)
            .annotate(my_order=Subquery(mine), first_order=Subquery(first))
            .filter(my_order__isnull=False, my_order=F("first_order"))
        )
    if tab == "number":
        return queryset.filter(status__in=[OutgoingStatus.APPROVED])
    if tab == "sign":
        return queryset.filter(status=OutgoingStatus.NUMBERED, signer__user=user)
    if tab == "issue":
        return queryset.filter(status=OutgoingStatus.SIGNED)
    if tab == "issued":
        return queryset.filter(status=OutgoingStatus.ISSUED)
    if tab == "recalled":
        return queryset.filter(status=OutgoingStatus.RECALLED)
    return queryset


@staff_required
def outgoing_list(request):
    """Outgoing documents the user may see, by stage (drafts, to review, to number …)."""
    tabs = _tabs()
    tab = request.GET.get("tab", "all")
    if tab not in tabs:
        tab = "all"
    query = (request.GET.get("q") or "").strip()[:100]
    documents = outgoing_visible(request.user).select_related(
        "document_type", "drafting_unit", "organisation"
    )
    documents = _tab_filter(documents, tab, request.user)
    if query:
        documents = documents.filter(Q(subject__icontains=query) | Q(notation__icontains=query))
    documents = documents.order_by("-updated_at", "-pk")
    page = Paginator(documents, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/outgoing/list.html",
        {
            "tabs": list(tabs.items()),
            "tab": tab,
            "query": query,
            "page": page,
            "may_draft": bool(_drafting_units(request.user).exists()),
        },
    )


# --- drafting ------------------------------------------------------------------------------


def _drafting_units(user):
    scope = organisation_scope(user, drafting.DRAFT_PERM)
    if scope is ALL:
        return Organisation.objects.order_by("path")
    return Organisation.objects.filter(path__in=list(scope or ())).order_by("path")


def _ancestor_paths(organisation) -> list[str]:
    path = organisation.path
    return [path[:end] for end in range(STEPLEN, len(path) + 1, STEPLEN)]


def _role_holders(role: str, organisation, *, within: bool = False):
    """Users holding ``role`` today for ``organisation`` (granted there or above); with
    ``within`` also those whose grant is inside its subtree (signers of its divisions)."""
    today = timezone.localdate()
    condition = Q(official__role_assignments__organisation__path__in=_ancestor_paths(organisation))
    if within:
        condition |= Q(official__role_assignments__organisation__path__startswith=organisation.path)
    return (
        get_user_model()
        .objects.filter(
            condition,
            official__role_assignments__role=role,
            official__role_assignments__valid_from__lte=today,
            is_active=True,
        )
        .filter(
            Q(official__role_assignments__valid_until__isnull=True)
            | Q(official__role_assignments__valid_until__gte=today)
        )
        .distinct()
        .order_by("full_name")
    )


def _draft_form(request, data=None):
    units = _drafting_units(request.user)
    agencies = {drafting.issuing_organisation(unit) for unit in units[:50]}
    signers = Official.objects.none()
    for agency in agencies:
        signers |= Official.objects.filter(
            user__in=_role_holders(Role.AGENCY_LEADER, agency).values("pk"),
            organisation__path__startswith=agency.path,
        )
    recipients = Organisation.objects.exclude(kind="division").order_by("path")
    return DraftForm(
        data,
        units=units,
        types=types_in_force(),
        recipients=recipients,
        signers=signers.distinct().order_by("full_name"),
    )


@staff_required
def outgoing_create(request):
    """The draft form: the first version is made from the Appendix I template."""
    if not _drafting_units(request.user).exists():
        raise PermissionDenied
    form = _draft_form(request, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            unit = data["drafting_unit"]
            try:
                document = drafting.create_draft(
                    organisation=drafting.issuing_organisation(unit),
                    drafting_unit=unit,
                    document_type=data["document_type"],
                    subject=data["subject"],
                    body=data["body"],
                    recipients=form.recipients(),
                    signer=data["signer"],
                    signer_competence=data["signer_competence"] or "",
                    urgency=data["urgency"],
                    secrecy=data["secrecy"],
                    place=data["place"],
                    due_date=data["due_date"],
                    acting_user=request.user,
                )
            except DocumentError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("The draft was created from the template."))
                if document.drafted_note:
                    messages.warning(request, document.drafted_note)
                return redirect(document)
        else:
            status = 400
    return render(request, "documents/outgoing/create.html", {"form": form}, status=status)


# --- the document page ------------------------------------------------------------------------


def _submit_candidates(document) -> dict:
    return {
        "specialist": _role_holders(Role.SPECIALIST, document.drafting_unit).exclude(
            pk=document.created_by_id
        ),
        "division_leader": _role_holders(Role.DIVISION_LEADER, document.drafting_unit).exclude(
            pk=document.created_by_id
        ),
        "agency_leader": _role_holders(Role.AGENCY_LEADER, document.organisation).exclude(
            pk=document.created_by_id
        ),
    }


def _detail_context(request, document, **forms) -> dict:
    user = request.user
    status = document.status
    step = review.current_step(document)
    may_edit = drafting.may_edit(document, user)
    may_submit = status == OutgoingStatus.DRAFT and (
        document.created_by_id == user.pk or holds(user, drafting.EDIT_PERM, document.drafting_unit)
    )
    main_file = issuing.latest_file(document, FileKind.MAIN)
    copies = {
        copy.source_recipient_id: copy
        for copy in distribution.incoming_copies(document).only(
            "pk", "status", "source_recipient_id", "arrival_number"
        )
    }
    recipients = list(document.recipients.select_related("organisation"))
    for recipient in recipients:
        recipient.copy = copies.get(recipient.pk)
    context = {
        "document": document,
        "versions": list(document.versions.select_related("created_by").order_by("-number")),
        "steps": list(
            document.review_steps.select_related("reviewer", "version").order_by("order")
        ),
        "current_step": step,
        "comments": list(document.comments.select_related("author", "version")),
        "recipients": recipients,
        "events": list(document.events.select_related("actor").order_by("at", "pk")),
        "files": list(document.files.order_by("pk")),
        "may_edit": may_edit,
        "may_submit": may_submit,
        "may_review": step is not None and step.reviewer_id == user.pk,
        "may_number": status == OutgoingStatus.APPROVED
        and holds(user, issuing.NUMBER_PERM, document.organisation),
        "may_render": status == OutgoingStatus.NUMBERED
        and main_file is None
        and holds(user, issuing.NUMBER_PERM, document.organisation),
        "may_sign": status == OutgoingStatus.NUMBERED
        and main_file is not None
        and issuing.may_sign(document, user),
        "may_issue": status == OutgoingStatus.SIGNED and issuing.may_issue(document, user),
        "may_recall": status == OutgoingStatus.ISSUED and distribution.may_recall(document, user),
        "may_comment": status
        in (OutgoingStatus.DRAFT, OutgoingStatus.IN_REVIEW, OutgoingStatus.APPROVED),
        "version_form": forms.get("version_form") or VersionForm(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "decision_form": DecisionForm(),
        "return_form": forms.get("return_form") or ReturnForm(),
        "sign_form": SignForm(),
        "recall_form": forms.get("recall_form") or RecallForm(),
    }
    if may_submit:
        context["submit_form"] = forms.get("submit_form") or SubmitForm(
            candidates=_submit_candidates(document), initial=_previous_initial(document)
        )
    return context


def _previous_initial(document) -> dict:
    initial = {}
    for role, user in review.previous_chain(document):
        if user is not None:
            initial[role] = user.pk
    return initial


@staff_required
def outgoing(request, pk: int):
    document = access_outgoing(request.user, pk)
    return render(request, "documents/outgoing/detail.html", _detail_context(request, document))


def _acting(view):
    """A POST action on one document: refusals become a page with the reason (400/409/503)."""

    @functools.wraps(view)
    def wrapper(request, pk: int, *args, **kwargs):
        from chinhquyen.exchange.edxml.errors import ExchangeError
        from chinhquyen.signing.errors import SigningError

        document = access_outgoing(request.user, pk)
        try:
            return view(request, document, *args, **kwargs)
        except (DocumentError, SigningError, ExchangeError) as exc:
            # SigningError and ExchangeError carry a bilingual message too; both are 400 here
            # (no key, a refused certificate, a package that cannot be built).
            document.refresh_from_db()
            status = exc.status if isinstance(exc, DocumentError | ExchangeError) else 400
            return render(
                request,
                "documents/outgoing/error.html",
                {"error": exc, "document": document},
                status=status,
            )

    return staff_required(require_POST(wrapper))


@_acting
def outgoing_version(request, document):
    form = VersionForm(request.POST, request.FILES)
    if not form.is_valid():
        context = _detail_context(request, document, version_form=form)
        return render(request, "documents/outgoing/detail.html", context, status=400)
    version = drafting.add_version(
        document, form.cleaned_data["docx"], form.cleaned_data["note"], request.user
    )
    messages.success(request, _("Version %(number)s was added.") % {"number": version.number})
    return redirect(document)


@_acting
def outgoing_comment(request, document):
    form = CommentForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, document, comment_form=form)
        return render(request, "documents/outgoing/detail.html", context, status=400)
    drafting.add_comment(document, form.cleaned_data["text"], request.user)
    messages.success(request, _("Your comment was added."))
    return redirect(document)


@_acting
def outgoing_submit(request, document):
    form = SubmitForm(request.POST, candidates=_submit_candidates(document))
    if not form.is_valid():
        context = _detail_context(request, document, submit_form=form)
        return render(request, "documents/outgoing/detail.html", context, status=400)
    chain = [
        (role, form.cleaned_data[role])
        for role in (
            ReviewerRole.SPECIALIST,
            ReviewerRole.DIVISION_LEADER,
            ReviewerRole.AGENCY_LEADER,
        )
        if form.cleaned_data.get(role)
    ]
    review.submit_for_review(document, chain, request.user)
    messages.success(request, _("The draft was sent for review."))
    return redirect(document)


@_acting
def outgoing_approve(request, document):
    form = DecisionForm(request.POST)
    form.is_valid()
    review.approve_step(document, request.user, form.cleaned_data.get("comment", ""))
    messages.success(request, _("You approved the draft."))
    return redirect(document)


@_acting
def outgoing_return(request, document):
    form = ReturnForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, document, return_form=form)
        return render(request, "documents/outgoing/detail.html", context, status=400)
    review.return_for_changes(document, form.cleaned_data["comment"], request.user)
    messages.success(request, _("The draft went back to its author."))
    return redirect(document)


@_acting
def outgoing_number(request, document):
    try:
        issuing.number_document(document, request.user)
    except DocumentError as exc:
        if document.status == OutgoingStatus.APPROVED:
            raise
        document.refresh_from_db()
        if document.status != OutgoingStatus.NUMBERED:
            raise
        # Numbered, but the final PDF could not be made: say so, keep the number.
        messages.warning(
            request,
            _("Numbered %(code)s, but the final PDF was not made: %(reason)s")
            % {"code": document.code, "reason": exc.message},
        )
        return redirect(document)
    messages.success(request, _("Numbered %(code)s.") % {"code": document.code})
    return redirect(document)


@_acting
def outgoing_render(request, document):
    issuing.render_final(document, request.user)
    messages.success(request, _("The final PDF was made."))
    return redirect(document)


@_acting
def outgoing_sign(request, document):
    form = SignForm(request.POST)
    form.is_valid()
    issuing.sign_as_signer(document, request.user, pin=form.cleaned_data.get("pin") or None)
    messages.success(request, _("You signed the document."))
    return redirect(document)


@_acting
def outgoing_issue(request, document):
    issuing.seal_and_issue(document, request.user)
    messages.success(request, _("The document was sealed, issued and sent to its recipients."))
    return redirect(document)


@_acting
def outgoing_recall(request, document):
    form = RecallForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, document, recall_form=form)
        return render(request, "documents/outgoing/detail.html", context, status=400)
    distribution.recall(document, form.cleaned_data["reason"], request.user)
    messages.success(request, _("The document was recalled."))
    return redirect(document)


# --- files ------------------------------------------------------------------------------------


def _stream(stored, *, name: str, content_type: str, download: bool):
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=download, filename=name, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
def outgoing_version_file(request, pk: int, number: int, fmt: str):
    """The .docx or the PDF of one version, for whoever may see the document."""
    document = access_outgoing(request.user, pk)
    try:
        version = DraftVersion.objects.get(document=document, number=number)
    except DraftVersion.DoesNotExist as exc:
        raise Http404 from exc
    stem = f"du-thao-{document.pk}-v{version.number}"
    if fmt == "docx":
        return _stream(
            version.docx, name=f"{stem}.docx", content_type=drafting.DOCX_TYPE, download=True
        )
    if fmt == "pdf":
        return _stream(
            version.pdf,
            name=f"{stem}.pdf",
            content_type="application/pdf",
            download=request.GET.get("download") == "1",
        )
    raise Http404


@staff_required
def outgoing_file(request, pk: int, file_id: int):
    """A final or signed PDF of the document, for whoever may see it."""
    document = access_outgoing(request.user, pk)
    try:
        item = DocumentFile.objects.get(pk=file_id, outgoing=document)
    except DocumentFile.DoesNotExist as exc:
        raise Http404 from exc
    return _stream(
        item.file,
        name=item.name,
        content_type=item.content_type,
        download=request.GET.get("download") == "1",
    )
