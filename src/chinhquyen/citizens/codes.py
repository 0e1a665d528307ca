"""One-time codes by e-mail or SMS: local citizen accounts and contact changes.

A code is 6 digits, stored only as an HMAC (keyed by ``SECRET_KEY`` and a per-code salt), good
for ``CITIZEN_CODE_TTL_MINUTES`` (10), for ``CITIZEN_CODE_MAX_ATTEMPTS`` (5) tries, once.
Sends are throttled per destination (``CITIZEN_CODE_SENDS_PER_ADDRESS``, 3) and per client IP
(``CITIZEN_CODE_SENDS_PER_IP``, 10) within ``CITIZEN_CODE_WINDOW_MINUTES`` (15). Messages never
say whether an account exists for an address: a sign-in code is sent to any valid address and
creates the account only when it is entered.
"""

import datetime
import logging
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.capture import skip_capture
from chinhquyen.audit.services import log_action
from chinhquyen.citizens import services, sms
from chinhquyen.citizens.choices import CodeChannel, CodePurpose
from chinhquyen.citizens.errors import CodeRefused, bilingual
from chinhquyen.citizens.models import CitizenProfile, OneTimeCode

logger = logging.getLogger(__name__)

CODE_DIGITS = 6


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def ttl_minutes() -> int:
    return _setting("CITIZEN_CODE_TTL_MINUTES", 10)


def normalise_destination(channel: str, value: str) -> str:
    """The address in canonical form, or ``CodeRefused`` (field ``destination``)."""
    if channel == CodeChannel.EMAIL:
        email = services.normalise_email(value)
        try:
            validate_email(email)
        except ValidationError:
            email = ""
        if not email or len(email) > 254:
            raise CodeRefused(
                bilingual(_("Enter a valid e-mail address.")), code="email", field="destination"
            )
        return email
    if channel == CodeChannel.PHONE:
        phone = services.normalise_phone(value)
        if not services.PHONE_RE.match(phone):
            raise CodeRefused(
                bilingual(_("Enter a valid Vietnamese mobile number, e.g. 0912 345 678.")),
                code="phone",
                field="destination",
            )
        return phone
    raise CodeRefused(bilingual(_("Choose e-mail or phone.")), code="channel", field="channel")


def mask(channel: str, destination: str) -> str:
    """The address with most of it hidden, for the audit trail and messages."""
    if channel == CodeChannel.EMAIL:
        local, _at, domain = destination.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{destination[:3]}*****{destination[-2:]}"


def _hash(salt: str, channel: str, destination: str, code: str) -> str:
    digest = salted_hmac(
        "chinhquyen.citizens.code", f"{salt}:{channel}:{destination}:{code}", algorithm="sha256"
    ).hexdigest()
    return f"{salt}${digest}"


def _matches(row: OneTimeCode, code: str) -> bool:
    salt, _sep, _digest = row.code_hash.partition("$")
    return constant_time_compare(row.code_hash, _hash(salt, row.channel, row.destination, code))


def _throttled() -> CodeRefused:
    return CodeRefused(
        bilingual(
            _("Too many codes were requested. Wait %(minutes)s minutes and try again."),
            minutes=_setting("CITIZEN_CODE_WINDOW_MINUTES", 15),
        ),
        code="throttled",
        field="destination",
    )


def request_code(*, channel: str, destination: str, purpose: str, ip: str | None, user=None) -> str:
    """Create a code for ``destination`` and send it after commit; returns the normalised
    destination. ``user`` is required for the contact-change purposes (the citizen changing).
    Raises ``CodeRefused`` (invalid address, throttled) with nothing sent."""
    destination = normalise_destination(channel, destination)
    if purpose not in CodePurpose.values:
        raise CodeRefused(bilingual(_("Unknown purpose.")), code="purpose")
    if purpose != CodePurpose.SIGN_IN and not services.is_citizen(user):
        raise PermissionDenied
    now = timezone.now()
    since = now - datetime.timedelta(minutes=_setting("CITIZEN_CODE_WINDOW_MINUTES", 15))
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    recent = OneTimeCode.objects.filter(created_at__gte=since)
    if recent.filter(destination=destination).count() >= _setting(
        "CITIZEN_CODE_SENDS_PER_ADDRESS", 3
    ) or (ip and recent.filter(ip=ip).count() >= _setting("CITIZEN_CODE_SENDS_PER_IP", 10)):
        log_action(
            "citizens.code_throttled",
            actor=user,
            details={"channel": channel, "to": mask(channel, destination), "ip": ip},
        )
        raise _throttled()
    with transaction.atomic():
        with skip_capture(OneTimeCode):
            row = OneTimeCode.objects.create(
                channel=channel,
                destination=destination,
                purpose=purpose,
                user=user if purpose != CodePurpose.SIGN_IN else None,
                code_hash=_hash(secrets.token_hex(8), channel, destination, code),
                ip=ip,
                created_at=now,
                expires_at=now + datetime.timedelta(minutes=ttl_minutes()),
            )
        log_action(
            "citizens.send_code",
            target=row,
            actor=user,
            details={
                "channel": channel,
                "purpose": purpose,
                "to": mask(channel, destination),
                "ip": ip,
            },
        )
        language = translation.get_language()
        transaction.on_commit(lambda: _deliver(channel, destination, code, language))
    return destination


def _deliver(channel: str, destination: str, code: str, language: str | None) -> None:
    minutes = ttl_minutes()
    try:
        with translation.override(language or settings.LANGUAGE_CODE):
            if channel == CodeChannel.EMAIL:
                send_mail(
                    gettext("Your ChinhQuyen sign-in code"),
                    gettext(
                        "Your one-time code is %(code)s. It is valid for %(minutes)s minutes. "
                        "Do not share it with anyone; officials never ask for it."
                    )
                    % {"code": code, "minutes": minutes},
                    None,
                    [destination],
                )
            else:
                sms.send_sms(
                    destination,
                    gettext("ChinhQuyen code: %(code)s (valid %(minutes)s minutes). Do not share.")
                    % {"code": code, "minutes": minutes},
                )
    except Exception:  # a failed send must not break the page; the citizen asks again
        logger.exception(
            "Could not send a one-time code by %s to %s", channel, mask(channel, destination)
        )


def _wrong_code() -> CodeRefused:
    return CodeRefused(
        bilingual(_("The code is wrong or has expired. Check it, or ask for a new one.")),
        code="code_invalid",
        field="code",
    )


def _consume(
    *, channel: str, destination: str, purpose: str, code: str, user=None
) -> tuple[OneTimeCode | None, CodeRefused | None]:
    """Inside a transaction: the code row if ``code`` is right (marked used), else the
    refusal (the failed attempt is counted on the latest live code)."""
    now = timezone.now()
    rows = OneTimeCode.objects.select_for_update().filter(
        channel=channel,
        destination=destination,
        purpose=purpose,
        used_at__isnull=True,
        expires_at__gt=now,
    )
    if purpose != CodePurpose.SIGN_IN:
        rows = rows.filter(user=user)
    row = rows.order_by("-created_at", "-pk").first()
    if row is None:
        return None, _wrong_code()
    code = str(code or "").strip().replace(" ", "")
    max_attempts = _setting("CITIZEN_CODE_MAX_ATTEMPTS", 5)
    if row.attempts >= max_attempts:
        return None, CodeRefused(
            bilingual(_("Too many wrong tries for this code. Ask for a new one.")),
            code="too_many_attempts",
            field="code",
        )
    if len(code) != CODE_DIGITS or not code.isdigit() or not _matches(row, code):
        with skip_capture(OneTimeCode):
            row.attempts += 1
            row.save(update_fields=["attempts"])
        log_action(
            "citizens.code_refused",
            target=row,
            actor=user,
            details={"channel": channel, "attempts": row.attempts},
        )
        return None, _wrong_code()
    with skip_capture(OneTimeCode):
        row.used_at = now
        row.save(update_fields=["used_at"])
    return row, None


def verify_sign_in_code(*, channel: str, destination: str, code: str, ip: str | None = None):
    """Sign in (creating the account at first use) with the code sent to ``destination``.
    Returns the user, or raises ``CodeRefused`` (wrong/expired/used code; the try is counted)
    or ``SignInRefused`` (the address belongs to an account that cannot use the portal)."""
    destination = normalise_destination(channel, destination)
    with transaction.atomic():
        row, problem = _consume(
            channel=channel, destination=destination, purpose=CodePurpose.SIGN_IN, code=code
        )
        user = None
        if row is not None:
            user = services.sign_in_with_code(channel=channel, destination=destination, ip=ip)
    if problem is not None:
        raise problem
    return user


CHANGE_PURPOSE = {
    CodeChannel.EMAIL: CodePurpose.CHANGE_EMAIL,
    CodeChannel.PHONE: CodePurpose.CHANGE_PHONE,
}


def request_contact_change(*, user, channel: str, value: str, ip: str | None) -> str:
    """Send a code to a new e-mail or phone of ``user``; returns the normalised value."""
    if not services.is_citizen(user):
        raise PermissionDenied
    value = normalise_destination(channel, value)
    profile = services.citizen_profile(user)
    current = getattr(profile, "email" if channel == CodeChannel.EMAIL else "phone", "")
    if profile is not None and current == value:
        raise CodeRefused(
            bilingual(_("This is already the address on your profile.")),
            code="unchanged",
            field="destination",
        )
    return request_code(
        channel=channel, destination=value, purpose=CHANGE_PURPOSE[channel], ip=ip, user=user
    )


def confirm_contact_change(*, user, channel: str, value: str, code: str) -> CitizenProfile:
    """Store the new e-mail or phone once its code is right; raises ``CodeRefused``."""
    if not services.is_citizen(user):
        raise PermissionDenied
    value = normalise_destination(channel, value)
    with transaction.atomic():
        row, problem = _consume(
            channel=channel,
            destination=value,
            purpose=CHANGE_PURPOSE[channel],
            code=code,
            user=user,
        )
        profile = None
        if row is not None:
            profile = services.set_contact(user=user, channel=channel, value=value)
    if problem is not None:
        raise problem
    return profile


def purge_codes(*, older_than_days: int = 1, acting_user=None) -> int:
    """Delete one-time codes created more than ``older_than_days`` days ago (they are only kept
    for the throttling window and the attempt count). Returns how many were deleted."""
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    with transaction.atomic():
        with skip_capture(OneTimeCode):
            deleted, _per_model = OneTimeCode.objects.filter(created_at__lt=cutoff).delete()
        log_action(
            "citizens.purge_codes",
            actor=acting_user,
            details={"deleted": deleted, "older_than_days": older_than_days},
        )
    return deleted
