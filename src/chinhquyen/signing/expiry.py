"""Certificate expiry warnings, ``SIGNING_EXPIRY_WARNING_DAYS`` (default 30) days ahead.

:func:`send_expiry_warnings` is run daily by ``chinhquyen signing_expiry_warnings`` or the task
``signing.tasks.expiry_warnings_task``. For every certificate (not revoked) that expires within
the threshold and has never been warned about *for that threshold*, it records one
``ExpiryWarning`` (unique per certificate and threshold: running twice warns once), an in-app
``SigningNotification`` for the owner official and for each IT administrator of the agency
(the role held on the certificate's organisation or above), and e-mails those with an address
after the transaction commits. Expired certificates are marked expired on the way.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import log_action
from chinhquyen.signing.choices import CertificateStatus
from chinhquyen.signing.models import Certificate, ExpiryWarning, SigningNotification

logger = logging.getLogger(__name__)

DEFAULT_WARNING_DAYS = 30

SUBJECT = _("Digital signature certificate expires on %(date)s")
MESSAGE = _(
    "The certificate of %(owner)s (%(kind)s, serial %(serial)s, issued by %(issuer)s) "
    "expires on %(date)s, in %(days)s day(s). Ask the certification authority to renew it in "
    "time."
)


def warning_days() -> int:
    return int(getattr(settings, "SIGNING_EXPIRY_WARNING_DAYS", DEFAULT_WARNING_DAYS))


def _it_administrators(organisation, day: datetime.date):
    """Users holding the IT administrator role today on ``organisation`` or an ancestor."""
    from django.contrib.auth import get_user_model

    from chinhquyen.accounts.choices import Role
    from chinhquyen.accounts.models import RoleAssignment
    from chinhquyen.directory.choices import OfficialStatus

    step = organisation.steplen
    ancestors = [organisation.path[:end] for end in range(step, len(organisation.path) + 1, step)]
    user_ids = (
        RoleAssignment.objects.active_on(day)
        .filter(role=Role.IT_ADMIN, organisation__path__in=ancestors)
        .exclude(official__status=OfficialStatus.LEFT)
        .values("official__user_id")
    )
    return (
        get_user_model().objects.filter(pk__in=user_ids, is_active=True).select_related("official")
    )


def _message_params(certificate: Certificate, now: datetime.datetime, language: str) -> dict:
    local_until = timezone.localtime(certificate.valid_until)
    with override(language):
        return {
            "owner": certificate.owner_name,
            "kind": str(certificate.get_kind_display()),
            "serial": certificate.serial_number,
            "issuer": certificate.issuer,
            "date": local_until.strftime("%d/%m/%Y"),
            "days": max((certificate.valid_until - now).days, 0),
        }


def _warn(certificate: Certificate, threshold: int, now: datetime.datetime) -> int:
    """Record the warning and its notifications; 0 when it was already recorded."""
    try:
        with transaction.atomic():
            warning = ExpiryWarning.objects.create(
                certificate=certificate, threshold_days=threshold, created_at=now
            )
    except IntegrityError:
        return 0
    recipients = list(_it_administrators(certificate.organisation, timezone.localdate(now)))
    if certificate.official_id and certificate.official.user.is_active:
        owner = certificate.official.user
        if all(user.pk != owner.pk for user in recipients):
            recipients.insert(0, owner)
    params_vi = _message_params(certificate, now, "vi")
    with override("vi"):
        text_vi = gettext(str(MESSAGE)) % params_vi
        subject_vi = gettext(str(SUBJECT)) % params_vi
    with override("en"):
        params_en = _message_params(certificate, now, "en")
        text_en = gettext(str(MESSAGE)) % params_en
        subject_en = gettext(str(SUBJECT)) % params_en
    message = text_vi if text_vi == text_en else f"{text_vi}\n\n{text_en}"
    subject = subject_vi if subject_vi == subject_en else f"{subject_vi} / {subject_en}"
    notifications = SigningNotification.objects.bulk_create(
        SigningNotification(
            recipient=user,
            warning=warning,
            message=message,
            email=_email_of(user),
            created_at=now,
        )
        for user in recipients
    )
    warning.recipients = len(notifications)
    warning.save(update_fields=["recipients"])
    log_action(
        "signing.expiry_warning",
        target=certificate,
        details={
            "threshold_days": threshold,
            "valid_until": certificate.valid_until.isoformat(),
            "recipients": [user.username for user in recipients],
        },
    )
    emails = [n.email for n in notifications if n.email]
    if emails:
        transaction.on_commit(lambda: _send(subject, message, emails))
    return 1


def _email_of(user) -> str:
    official = getattr(user, "official", None)
    return user.email or (official.email if official is not None else "")


def _send(subject: str, message: str, emails: list[str]) -> None:
    for address in emails:  # one message each: officials do not see each other's addresses
        try:
            send_mail(subject, message, None, [address])
        except OSError:
            logger.exception("Could not e-mail the certificate expiry warning to %s", address)


def send_expiry_warnings(
    *, now: datetime.datetime | None = None, threshold_days: int | None = None
) -> dict[str, int]:
    """Warn about every certificate expiring within the threshold (once per threshold, ever).

    Returns ``{"warned": n, "expired": m}``: certificates newly warned about, and certificates
    newly marked expired.
    """
    now = now or timezone.now()
    threshold = warning_days() if threshold_days is None else threshold_days
    with transaction.atomic():
        expired = Certificate.objects.filter(
            status=CertificateStatus.VALID, valid_until__lt=now
        ).update(status=CertificateStatus.EXPIRED, status_checked_at=now)
        due = (
            Certificate.objects.filter(
                status=CertificateStatus.VALID,
                valid_until__gte=now,
                valid_until__lte=now + datetime.timedelta(days=threshold),
            )
            .exclude(expiry_warnings__threshold_days=threshold)
            .select_related("organisation", "official__user__official")
            .order_by("valid_until", "pk")
        )
        warned = sum(_warn(certificate, threshold, now) for certificate in due)
        if warned or expired:
            log_action(
                "signing.send_expiry_warnings",
                details={"threshold_days": threshold, "warned": warned, "expired": expired},
            )
    return {"warned": warned, "expired": expired}


def mark_notifications_read(*, acting_user) -> int:
    """Mark every unread signing notice of ``acting_user`` as read; returns how many."""
    with transaction.atomic():
        count = SigningNotification.objects.filter(
            recipient=acting_user, read_at__isnull=True
        ).update(read_at=timezone.now())
        if count:
            log_action(
                "signing.mark_notifications_read", actor=acting_user, details={"count": count}
            )
    return count
