"""Back office: the leader signs the result PDFs of many dossiers in one action.

``GET`` lists the dossiers in the leader's scope whose PDF result awaits signature, with a
checkbox each (a plain form: no JavaScript needed); ``POST`` signs the ticked ones with the
leader's personal key unlocked once (one PIN for a token). More than
``SIGNING_BATCH_INLINE_MAX`` results signed with a software key go to a background task.
Refusals: 403 without the permission to decide dossiers; 400 when the key cannot be used or
nothing was ticked (nothing signed); 409 when none of the ticked results awaits signature any
more.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from chinhquyen.directory.views import staff_required
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.dossiers.services.results import (
    SIGN_PERMISSION,
    ResultSigning,
    results_awaiting_signature,
    sign_results,
)

INLINE_MAX = 20
# Signed within the request (a token's PIN is never queued): at most one page of results.
PAGE_SIZE = 50


def _page(request, *, status: int = 200, error: str = "", outcome: ResultSigning | None = None):
    dossiers = results_awaiting_signature(request.user)
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "dossiers/results_to_sign.html",
        {
            "page": page,
            "needs_pin": _key_storage(request.user) == "pkcs11",
            "error": error,
            "outcome": outcome,
        },
        status=status,
    )


def _key_storage(user) -> str:
    from chinhquyen.signing.errors import SigningError
    from chinhquyen.signing.services import resolve_signing_key

    try:
        return resolve_signing_key(user, "personal").storage
    except SigningError:
        return ""


@staff_required
def results_to_sign_view(request):
    if not request.user.has_perm(SIGN_PERMISSION):
        raise PermissionDenied
    if request.method != "POST":
        return _page(request)
    from chinhquyen.signing.errors import SigningError

    try:
        ids = [int(value) for value in request.POST.getlist("dossier")]
    except ValueError:
        ids = []
    if not ids:
        return _page(request, status=400, error=bilingual(_("Tick at least one result to sign.")))
    limit = getattr(settings, "SIGNING_BATCH_INLINE_MAX", INLINE_MAX)
    storage = _key_storage(request.user)
    if len(ids) > PAGE_SIZE and storage != "pkcs12":
        return _page(
            request,
            status=400,
            error=bilingual(
                _("Sign at most %(count)s results at a time with a token."), count=PAGE_SIZE
            ),
        )
    if len(ids) > limit and storage == "pkcs12":
        from chinhquyen.dossiers.tasks import sign_results_task

        sign_results_task.enqueue(dossier_ids=ids, acting_user_id=request.user.pk)
        messages.info(
            request,
            bilingual(
                _("%(count)s results are being signed in the background; reload to follow."),
                count=len(ids),
            ),
        )
        return redirect("dossiers:results_to_sign")
    try:
        outcome = sign_results(ids, acting_user=request.user, pin=request.POST.get("pin") or None)
    except SigningError as exc:
        return _page(request, status=400, error=exc.message)
    if not outcome.signed:
        return _page(request, status=409, outcome=outcome)
    messages.success(request, bilingual(_("Results signed: %(count)s."), count=len(outcome.signed)))
    for code, reason in outcome.failed:
        messages.error(request, f"{code}: {reason}")
    return redirect("dossiers:results_to_sign")
