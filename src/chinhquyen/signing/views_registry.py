"""Back-office pages of the certificate registry, the counts for the IT report, the signing
notices of the signed-in official, and verifying a dossier's PDF files with a stored report.

Thin: lists are ``Certificate.objects.restrict(user, …)``, details ``access_object``, every
change a service call (``signing.registry``, ``signing.reports``).
"""

import csv

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.views.decorators.http import require_POST

from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.core.authz import access_object, filter_in_scope
from chinhquyen.directory.choices import OfficialStatus
from chinhquyen.directory.models import Official, Organisation
from chinhquyen.directory.views import staff_required
from chinhquyen.signing.errors import SigningError
from chinhquyen.signing.expiry import mark_notifications_read
from chinhquyen.signing.forms_registry import (
    CertificateCountForm,
    CertificateFilterForm,
    CertificateUploadForm,
)
from chinhquyen.signing.models import Certificate, SigningNotification
from chinhquyen.signing.registry import (
    certificate_counts,
    count_totals,
    expiring_soon,
    refresh_status,
    register_certificate,
)

VIEW = "signing.view_certificate"
ADD = "signing.add_certificate"
CHANGE = "signing.change_certificate"
PAGE_SIZE = 50


def _scoped(queryset, user, permission: str, path_lookup: str):
    return filter_in_scope(queryset, user, permission, path_lookup)


def _organisations(user, permission: str):
    return _scoped(Organisation.objects.order_by("path"), user, permission, "path")


def _require(user, permission: str) -> None:
    scope = organisation_scope(user, permission)
    if not (scope is ALL or scope):
        raise PermissionDenied


@staff_required
def certificate_list(request):
    _require(request.user, VIEW)
    form = CertificateFilterForm(
        request.GET or None, organisations=_organisations(request.user, VIEW)
    )
    rows = Certificate.objects.restrict(request.user, "view").select_related(
        "organisation", "official", "signing_key"
    )
    status = 200
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["organisation"]:
            rows = rows.filter(organisation__path__startswith=data["organisation"].path)
        if data["kind"]:
            rows = rows.filter(kind=data["kind"])
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["expiring"]:
            rows = expiring_soon(rows)
        if data["q"]:
            rows = rows.filter(
                Q(common_name__icontains=data["q"])
                | Q(serial_number__iexact=data["q"].replace(":", "").strip())
                | Q(official__full_name__icontains=data["q"])
            )
    elif form.is_bound:
        status = 400
        rows = rows.none()
    page = Paginator(rows.order_by("valid_until", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    soon = expiring_soon(Certificate.objects.restrict(request.user, "view")).select_related(
        "organisation", "official"
    )[:10]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "signing/certificate_list.html",
        {
            "form": form,
            "page": page,
            "expiring": soon,
            "query": query.urlencode(),
            "may_add": _may(request.user, ADD),
            "now": timezone.now(),
        },
        status=status,
    )


def _may(user, permission: str) -> bool:
    scope = organisation_scope(user, permission)
    return scope is ALL or bool(scope)


@staff_required
def certificate_detail(request, pk: int):
    rows = Certificate.objects.select_related(
        "organisation", "official__user", "signing_key", "registered_by"
    )
    # The holder of a personal or SIM certificate sees it (the link in their notice).
    certificate = rows.filter(pk=pk, official__user=request.user).first() or access_object(
        rows, request.user, pk
    )
    warnings = certificate.expiry_warnings.order_by("-created_at")
    may_check = Certificate.objects.restrict(request.user, "change").filter(pk=pk).exists()
    return render(
        request,
        "signing/certificate_detail.html",
        {"certificate": certificate, "warnings": warnings, "may_check": may_check},
    )


@staff_required
@require_POST
def certificate_check(request, pk: int):
    """Check the status now: expiry, and revocation with the CA's OCSP responder or CRL."""
    certificate = access_object(Certificate.objects.all(), request.user, pk, "change")
    refresh_status(certificate, check_revocation=True, acting_user=request.user)
    return redirect(certificate)


@staff_required
def certificate_add(request):
    _require(request.user, ADD)
    organisations = _organisations(request.user, ADD)
    officials = _scoped(
        Official.objects.select_related("organisation")
        .exclude(status=OfficialStatus.LEFT)
        .order_by("full_name"),
        request.user,
        ADD,
        "organisation__path",
    )
    form = CertificateUploadForm(
        request.POST or None,
        request.FILES or None,
        organisations=organisations,
        officials=officials,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = register_certificate(
                    data=data["file"],
                    kind=data["kind"],
                    organisation=data["organisation"],
                    official=data["official"],
                    passphrase=data["passphrase"],
                    acting_user=request.user,
                )
            except SigningError as exc:
                form.add_error("file", exc.message)
            else:
                return redirect(entry)
        status = 400
    return render(request, "signing/certificate_form.html", {"form": form}, status=status)


@staff_required
def certificate_counts_view(request):
    _require(request.user, VIEW)
    form = CertificateCountForm(
        request.GET or None, organisations=_organisations(request.user, VIEW)
    )
    if form.is_bound and not form.is_valid():
        return render(request, "signing/certificate_counts.html", {"form": form}, status=400)
    at = form.cleaned_data["at"] if form.is_bound else timezone.localdate()
    root = form.cleaned_data.get("organisation") if form.is_bound else None
    rows = certificate_counts(
        at=at, root=root, queryset=Certificate.objects.restrict(request.user, "view")
    )
    totals = count_totals(rows)
    if request.GET.get("format") == "csv":
        return _counts_csv(rows, totals, at)
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "signing/certificate_counts.html",
        {"form": form, "rows": rows, "totals": totals, "at": at, "csv_query": query.urlencode()},
    )


def _counts_csv(rows, totals, at) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="certificates-{at:%Y-%m-%d}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 (Vietnamese names) only with the BOM
    writer = csv.writer(response)
    writer.writerow(
        [
            _gettext("Organisation"),
            _gettext("Organisational"),
            _gettext("Personal"),
            _gettext("SIM-based remote signing"),
            _gettext("Total"),
        ]
    )
    for row in [*rows, totals]:
        writer.writerow(
            [row.organisation_name, row.organisational, row.personal, row.sim, row.total]
        )
    return response


@staff_required
def notifications_view(request):
    notices = SigningNotification.objects.filter(recipient=request.user).select_related(
        "warning__certificate"
    )
    if request.method == "POST":
        mark_notifications_read(acting_user=request.user)
        return redirect("signing:notifications")
    return render(request, "signing/notifications.html", {"notices": notices[:100]})


@staff_required
@require_POST
def verify_dossier_file(request, pk: int, target: str):
    """Verify a PDF of a dossier (``result`` or an attachment id) and store the report."""
    from chinhquyen.dossiers.services import access_dossier
    from chinhquyen.signing.reports import verify_and_store

    dossier = access_dossier(request.user, pk)
    if target == "result":
        if not dossier.result_file:
            raise Http404
        subject, handle = dossier, dossier.result_file
        from chinhquyen.dossiers.views import result_file_name

        file_name = result_file_name(dossier)
    else:
        try:
            subject = dossier.attachments.get(pk=int(target))
        except (ValueError, dossier.attachments.model.DoesNotExist) as exc:
            raise Http404 from exc
        handle, file_name = subject.file, subject.original_name
    try:
        with handle.open("rb") as stream:
            data = stream.read()
    except FileNotFoundError as exc:
        raise Http404 from exc
    url = reverse("dossiers:detail", args=[dossier.pk]) + "#signature-reports"
    try:
        verify_and_store(data, subject=subject, acting_user=request.user, file_name=file_name)
    except SigningError as exc:
        return render(
            request,
            "signing/verify_error.html",
            {"message": exc.message, "back": url},
            status=400,
        )
    return redirect(url)
