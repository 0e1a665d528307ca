"""Template helpers: stored verification reports on a document's page.

{% load signing_reports %}
{% dossier_signature_reports dossier %}   {# the PDFs of a dossier, their reports, a button #}
{{ stored_report|report_summary }}        {# the readable report, in the page's language #}
"""

from django import template
from django.utils.translation import get_language

from chinhquyen.signing.reports import reports_for_many, stored_summary

register = template.Library()


@register.filter
def report_summary(stored) -> str:
    return stored_summary(stored, (get_language() or "vi")[:2])


@register.inclusion_tag("signing/_dossier_reports.html")
def dossier_signature_reports(dossier) -> dict:
    """The dossier's PDF files (result file and PDF attachments) with their stored reports.

    Two queries (reports, and the result file's original name); attachments come from the
    dossier's prefetched ``attachments`` when the page has them.
    """
    from django.contrib.contenttypes.models import ContentType

    files = []
    if dossier.result_file and dossier.result_file.name.lower().endswith(".pdf"):
        from chinhquyen.dossiers.views import result_file_name

        files.append({"name": result_file_name(dossier), "target": "result", "subject": dossier})
    for attachment in dossier.attachments.all():
        if attachment.content_type == "application/pdf":
            files.append(
                {"name": attachment.original_name, "target": attachment.pk, "subject": attachment}
            )
    found = reports_for_many([f["subject"] for f in files])
    for entry in files:
        subject = entry.pop("subject")
        content_type = ContentType.objects.get_for_model(subject, for_concrete_model=False)
        entry["reports"] = found.get((content_type.pk, str(subject.pk)), [])
    return {"dossier": dossier, "files": files}
