"""Verify an uploaded PDF, store and show the report, with the official's earlier reports."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import get_language

from chinhquyen.accounts.choices import UserKind
from chinhquyen.signing.errors import SigningError
from chinhquyen.signing.forms import VerifyUploadForm
from chinhquyen.signing.models import VerificationReport
from chinhquyen.signing.reports import store_report
from chinhquyen.signing.verification import verify_pdf


@login_required
def verify_upload(request):
    if request.user.kind == UserKind.CITIZEN:
        raise PermissionDenied
    report = None
    status = 200
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = verify_pdf(upload.read())
            store_report(report, acting_user=request.user, file_name=upload.name or "")
        except SigningError as exc:
            form.add_error("file", exc.message)
            status = 400
    elif request.method == "POST":
        status = 400
    summary = report.summary(get_language() or "vi") if report else ""
    return render(
        request,
        "signing/verify.html",
        {
            "form": form,
            "report": report,
            "summary": summary,
            "history": VerificationReport.objects.filter(verified_by=request.user)[:20],
        },
        status=status,
    )
