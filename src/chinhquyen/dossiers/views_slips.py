"""Back-office downloads of the one-stop slips (Circular 01/2018 forms 01–06).

``GET /dossiers/<pk>/slips/<kind>/`` returns the PDF of one slip of a dossier (inline, named
``giay-tiep-nhan-<code>.pdf`` …); ``?event=<id>`` picks one supplement request, refusal or
apology when there are several; ``?format=html`` returns the same form as an HTML page (screen
readers, quick look; ``&lang=en`` reads it in English). ``GET /dossiers/slips/register/``
asks for an agency and a period and returns the register (form 06).

Access: whoever may view the dossier (``access_dossier(user, pk, "view")``: 404 outside the
user's agencies); the register only for agencies whose dossiers the user may view. Every slip
handed out is audited (``dossiers.print_slip`` with its SHA-256), see ``slips.issue``.
"""

from __future__ import annotations

import base64
import hashlib
import re

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from chinhquyen.accounts.scopes import ALL, organisation_scope
from chinhquyen.directory.choices import OrganisationKind
from chinhquyen.directory.models import Organisation
from chinhquyen.directory.views import staff_required
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import access_dossier
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.dossiers.slips.data import SlipKind
from chinhquyen.dossiers.slips.issue import IssuedSlip, issue_dossier_slip, issue_register
from chinhquyen.dossiers.slips.mapping import MAX_REGISTER_DAYS, SlipNotAvailable
from chinhquyen.dossiers.slips.render import SlipRenderingUnavailable

DOSSIER_SLIP_KINDS = tuple(kind for kind in SlipKind.values if kind != SlipKind.REGISTER)
STYLE_RE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def _preview_csp(html: str) -> dict:
    """A policy for the standalone slip page: its one inline stylesheet (by hash), data:
    images (the QR code), nothing else — no script, no form, no other origin."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"
        for css in STYLE_RE.findall(html)
    ]
    return {
        "default-src": [CSP.NONE],
        "style-src": hashes or [CSP.NONE],
        "img-src": ["data:"],
        "base-uri": [CSP.NONE],
        "form-action": [CSP.NONE],
        "frame-ancestors": [CSP.SELF],
    }


def slip_response(issued: IssuedSlip) -> HttpResponse:
    response = HttpResponse(issued.content, content_type=issued.content_type)
    response["Content-Disposition"] = content_disposition_header(False, issued.filename)
    # Slips carry personal data: never kept by shared caches.
    response["Cache-Control"] = "private, no-store"
    if issued.content_type.startswith("text/html"):
        response._csp_config = _preview_csp(issued.content.decode("utf-8"))
    return response


def _unavailable(request, message: str, *, dossier=None, status: int = 404):
    return render(
        request,
        "dossiers/slips/pages/unavailable.html",
        {"message": message, "dossier": dossier},
        status=status,
    )


def _rendering_unavailable(request, *, dossier=None):
    return _unavailable(
        request,
        bilingual(_("Slips cannot be printed: the PDF renderer is not installed on the server.")),
        dossier=dossier,
        status=503,
    )


def _output(request) -> tuple[bool, str]:
    html = request.GET.get("format") == "html"
    language = "en" if html and request.GET.get("lang") == "en" else "vi"
    return html, language


@staff_required
@require_GET
def dossier_slip_view(request, pk: int, kind: str):
    """One slip of one dossier, as PDF (or ``?format=html``)."""
    if kind not in DOSSIER_SLIP_KINDS:
        raise Http404
    dossier = access_dossier(
        request.user,
        pk,
        "view",
        queryset=Dossier.objects.select_related(
            "procedure_version",
            "rule_set",
            "receiving_agency",
            "lead_agency",
            "received_by",
            "assignee",
        ),
    )
    html, language = _output(request)
    try:
        issued = issue_dossier_slip(
            dossier,
            kind,
            acting_user=request.user,
            request=request,
            event_id=request.GET.get("event"),
            html=html,
            language=language,
        )
    except SlipNotAvailable as exc:
        return _unavailable(request, exc.message, dossier=dossier)
    except SlipRenderingUnavailable:
        return _rendering_unavailable(request, dossier=dossier)
    return slip_response(issued)


def register_agencies(user):
    """Receiving agencies (with a QCVN code) whose dossiers ``user`` may view: those in the
    user's scope, and the agency a division in scope belongs to (as ``Dossier.restrict``)."""
    coded = Organisation.objects.exclude(qcvn_code__isnull=True).exclude(qcvn_code="")
    scope = organisation_scope(user, "dossiers.view_dossier")
    if scope is ALL:
        return coded.order_by("path")
    if not scope:
        return coded.none()
    paths = set()
    for org in Organisation.objects.filter(path__in=scope).only("path", "kind"):
        if org.kind == OrganisationKind.DIVISION and len(org.path) > Organisation.steplen:
            paths.add(org.path[: -Organisation.steplen])
    agencies = coded.none()
    for path in scope:
        agencies |= coded.filter(path__startswith=path)
    if paths:
        agencies |= coded.filter(path__in=sorted(paths))
    return agencies.order_by("path")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class RegisterForm(forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Receiving agency"), empty_label=None
    )
    start = forms.DateField(label=_("From (date received)"), widget=DateInput())
    end = forms.DateField(label=_("To (date received)"), widget=DateInput())

    def __init__(self, *args, agencies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and (end < start or (end - start).days >= MAX_REGISTER_DAYS):
            self.add_error(
                "end",
                bilingual(
                    _("The period must end after it starts and cover at most %(days)s days."),
                    days=MAX_REGISTER_DAYS,
                ),
            )
        return data


@staff_required
@require_GET
def register_view(request):
    """The dossier register (form 06) of one receiving agency for a period."""
    agencies = register_agencies(request.user)
    if not agencies.exists():
        raise Http404
    today = timezone.localdate()
    submitted = "agency" in request.GET
    form = RegisterForm(
        request.GET if submitted else None,
        agencies=agencies,
        initial={"start": today.replace(day=1), "end": today},
    )
    if submitted and form.is_valid():
        html, language = _output(request)
        data = form.cleaned_data
        try:
            issued = issue_register(
                data["agency"],
                data["start"],
                data["end"],
                acting_user=request.user,
                html=html,
                language=language,
            )
        except SlipRenderingUnavailable:
            return _rendering_unavailable(request)
        return slip_response(issued)
    return render(
        request,
        "dossiers/slips/pages/register.html",
        {"form": form},
        status=400 if submitted else 200,
    )
