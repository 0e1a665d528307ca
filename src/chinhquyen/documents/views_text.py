"""The "read the text again" button of a document whose text was not extracted (POST only).

The detail pages render the button as a small form posting to ``documents:retry_text`` with
``kind`` ``incoming`` or ``outgoing``; no JavaScript is needed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from chinhquyen.documents.errors import DocumentError
from chinhquyen.documents.services.access import access_incoming, access_outgoing
from chinhquyen.documents.services.text import retry_text_extraction
from chinhquyen.dossiers.services.access import bilingual

ACCESS = {"incoming": access_incoming, "outgoing": access_outgoing}


@login_required
@require_POST
def retry_text(request, kind: str, pk: int):
    if kind not in ACCESS:
        raise Http404
    document = ACCESS[kind](request.user, pk)
    try:
        files = retry_text_extraction(document, acting_user=request.user)
    except DocumentError as exc:
        return render(
            request,
            "documents/text/error.html",
            {"error": exc, "document": document},
            status=exc.status,
        )
    messages.success(
        request,
        bilingual(
            _("The text of %(count)s file(s) will be read again in a few minutes."),
            count=len(files),
        ),
    )
    return redirect(document)
