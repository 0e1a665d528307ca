"""Verification reports stored with the document they verify.

    verify_and_store(pdf, *, subject=None, acting_user=None, file_name="") -> VerificationReport
    store_report(report, *, subject=None, acting_user=None, file_name="") -> VerificationReport
    reports_for(subject) -> QuerySet[VerificationReport]

``verify_and_store`` runs :func:`verification.verify_pdf` once and keeps the result; a page then
shows the stored report without re-running it. ``store_report`` keeps a report already made
(e.g. by the caller that received the file). ``subject`` is any model instance the file belongs
to (a Dossier for its result file, a DossierAttachment …) or None.
"""

import json

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from chinhquyen.audit.services import log_action
from chinhquyen.signing import verification
from chinhquyen.signing.models import VerificationReport

__all__ = ["reports_for", "store_report", "verify_and_store"]


def _subject_fields(subject) -> dict:
    if subject is None:
        return {"content_type": None, "object_id": ""}
    return {
        "content_type": ContentType.objects.get_for_model(subject, for_concrete_model=False),
        "object_id": str(subject.pk),
    }


def store_report(
    report: verification.VerificationReport,
    *,
    subject=None,
    acting_user=None,
    file_name: str = "",
) -> VerificationReport:
    """Keep ``report`` (from ``verify_pdf``) with ``subject``. Audited."""
    data = json.loads(json.dumps(report.as_dict()["signatures"], default=str))
    with transaction.atomic():
        stored = VerificationReport.objects.create(
            **_subject_fields(subject),
            file_name=file_name[:255],
            file_sha256=report.sha256,
            verified_at=timezone.now(),
            verified_by=acting_user if getattr(acting_user, "pk", None) else None,
            all_valid=report.all_valid,
            signature_count=len(report.signatures),
            signatures=data,
        )
        log_action(
            "signing.store_verification_report",
            target=subject if subject is not None else stored,
            actor=acting_user,
            details={
                "report": stored.pk,
                "file_name": stored.file_name,
                "sha256": stored.file_sha256,
                "all_valid": stored.all_valid,
                "signatures": stored.signature_count,
            },
        )
    return stored


def verify_and_store(
    pdf: bytes, *, subject=None, acting_user=None, file_name: str = ""
) -> VerificationReport:
    """Verify every signature of ``pdf`` and store the report with ``subject``.

    Raises ``NotAPdfError`` / ``SigningError`` (bilingual) and stores nothing when the file
    cannot be verified.
    """
    report = verification.verify_pdf(pdf)
    return store_report(report, subject=subject, acting_user=acting_user, file_name=file_name)


def reports_for(subject):
    """The stored reports of ``subject``, newest first."""
    content_type = ContentType.objects.get_for_model(subject, for_concrete_model=False)
    return VerificationReport.objects.filter(
        content_type=content_type, object_id=str(subject.pk)
    ).select_related("verified_by")


def reports_for_many(subjects) -> dict[tuple[int, str], list[VerificationReport]]:
    """Stored reports of several objects in one query, by (content type id, object id)."""
    subjects = [s for s in subjects if s is not None]
    if not subjects:
        return {}
    from django.db.models import Q

    condition = Q()
    keys = set()
    for subject in subjects:
        content_type = ContentType.objects.get_for_model(subject, for_concrete_model=False)
        keys.add((content_type.pk, str(subject.pk)))
        condition |= Q(content_type=content_type, object_id=str(subject.pk))
    found: dict[tuple[int, str], list[VerificationReport]] = {key: [] for key in keys}
    for stored in VerificationReport.objects.filter(condition).select_related("verified_by"):
        found[(stored.content_type_id, stored.object_id)].append(stored)
    return found


def stored_summary(stored: VerificationReport, language: str = "vi") -> str:
    """The readable report of a stored verification (as ``VerificationReport.summary``)."""
    import datetime

    def parse(value):
        if not value:
            return None
        try:
            return datetime.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            return None

    signatures = []
    for item in stored.signatures:
        item = dict(item)
        for name in ("certificate_valid_until", "signing_time", "timestamp_time"):
            item[name] = parse(item.get(name))
        known = {f for f in verification.SignatureReport.__dataclass_fields__}
        signatures.append(
            verification.SignatureReport(**{k: v for k, v in item.items() if k in known})
        )
    report = verification.VerificationReport(sha256=stored.file_sha256, signatures=signatures)
    return report.summary(language)
