"""Citizen accounts: who the citizen is, how they signed in, what other portal parts may read.

Every function that changes something is keyword-only, runs in one transaction and is audited.
Public entry points for other apps:

* ``applicant_profile(user) -> dict`` — the ``applicant`` dict for
  ``dossiers.services.intake.receive_dossier``;
* ``citizen_profile(user) -> CitizenProfile | None``.
"""

import datetime
import re
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.accounts.choices import UserKind
from chinhquyen.audit.services import log_action
from chinhquyen.citizens.choices import CodeChannel, VerifiedBy
from chinhquyen.citizens.errors import SignInRefused, bilingual
from chinhquyen.citizens.models import CitizenProfile
from chinhquyen.core.phone import normalise_phone

ID_NUMBER_RE = re.compile(r"^[0-9]{12}$")
PHONE_RE = re.compile(r"^0[0-9]{9,10}$")

DEFAULT_CLAIMS = {
    "id_number": "citizen_id",
    "name": "name",
    "birth_date": "birthdate",
    "phone": "phone_number",
    "email": "email",
}


def normalise_email(value: str) -> str:
    return str(value or "").strip().lower()


def is_citizen(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "kind", None) == UserKind.CITIZEN
    )


def citizen_profile(user) -> CitizenProfile | None:
    """The profile of a citizen account, or None (no profile yet, or not a citizen)."""
    if not is_citizen(user):
        return None
    try:
        return user.citizen_profile
    except CitizenProfile.DoesNotExist:
        return None


def applicant_profile(user) -> dict:
    """The ``applicant`` dict that ``dossiers.services.intake.receive_dossier`` accepts, filled
    from a citizen's account: ``kind``, ``name``, ``id_number``, ``phone``, ``email``,
    ``address``, ``unit`` (AdministrativeUnit or None), ``user``.

    Raises ``PermissionDenied`` for anyone but an active citizen account. Missing facts are
    empty strings (``unit`` None); the intake service says what is still required.
    """
    from chinhquyen.dossiers.choices import ApplicantKind

    if not is_citizen(user):
        raise PermissionDenied
    profile = citizen_profile(user)
    return {
        "kind": ApplicantKind.INDIVIDUAL.value,
        "name": user.get_full_name() if user.full_name else "",
        "id_number": (profile.id_number or "") if profile else "",
        "phone": (profile.phone if profile else "") or user.phone or "",
        "email": (profile.email if profile else "") or user.email or "",
        "address": profile.address if profile else "",
        "unit": profile.unit if profile else None,
        "user": user,
    }


# ---------------------------------------------------------------------------------------------
# Sign-in: national SSO


def claim_names() -> dict[str, str]:
    """Which ID-token/userinfo claim carries each fact (setting ``CITIZEN_OIDC_CLAIMS``)."""
    return {**DEFAULT_CLAIMS, **getattr(settings, "CITIZEN_OIDC_CLAIMS", {})}


def _parse_birth_date(value) -> datetime.date | None:
    text = str(value or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    return None


def identity_from_claims(claims: dict) -> dict:
    """The facts about the citizen in the provider's claims, by ``CITIZEN_OIDC_CLAIMS``.

    Raises ``SignInRefused`` if the subject or a valid 12-digit identity number is missing.
    """
    names = claim_names()
    subject = str(claims.get("sub") or "").strip()
    id_number = str(claims.get(names["id_number"]) or "").strip()
    if not subject:
        raise SignInRefused(
            bilingual(_("The national sign-in service sent no subject identifier.")),
            code="no_subject",
        )
    if not ID_NUMBER_RE.match(id_number):
        raise SignInRefused(
            bilingual(
                _(
                    "The national sign-in service did not send a valid 12-digit personal "
                    "identification number."
                )
            ),
            code="no_id_number",
        )
    phone = normalise_phone(claims.get(names["phone"]) or "")
    return {
        "subject": subject,
        "id_number": id_number,
        "name": str(claims.get(names["name"]) or "").strip()[:200],
        "birth_date": _parse_birth_date(claims.get(names["birth_date"])),
        "phone": phone if PHONE_RE.match(phone) else "",
        "email": normalise_email(claims.get(names["email"]) or "")[:254],
    }


def _new_citizen_user(*, full_name: str, email: str = "", phone: str = ""):
    user_model = get_user_model()
    user = user_model(
        username=f"cd-{uuid.uuid4().hex[:20]}",
        kind=UserKind.CITIZEN,
        full_name=full_name,
        email=email,
        phone=phone,
    )
    user.set_unusable_password()
    user.save()
    return user


def _refuse_non_citizen(user) -> None:
    if user.kind != UserKind.CITIZEN or not user.is_active:
        raise SignInRefused(
            bilingual(_("This account cannot sign in to the public portal.")),
            code="not_a_citizen",
        )


def sign_in_with_national_sso(*, claims: dict, issuer: str, ip: str | None = None):
    """Find or create the citizen the (already verified) ID-token claims describe.

    Linked by the provider's ``sub`` first, then by the identity number; a first sign-in creates
    a citizen ``User`` and its ``CitizenProfile``. Name and birth date follow the provider at
    every sign-in; phone and e-mail only fill empty fields (the citizen may have changed them
    here). Returns the user; raises ``SignInRefused`` (nothing saved) for unusable claims or an
    account that is not an active citizen. Two first sign-ins of the same person at once: the
    loser of the unique constraints tries once more and finds the winner's account.
    """
    facts = identity_from_claims(claims)
    try:
        return _sso_sign_in(facts, issuer=issuer, ip=ip)
    except IntegrityError:
        return _sso_sign_in(facts, issuer=issuer, ip=ip)


def _sso_sign_in(facts: dict, *, issuer: str, ip: str | None):
    now = timezone.now()
    with transaction.atomic():
        profiles = CitizenProfile.objects.select_for_update().select_related("user")
        profile = profiles.filter(oidc_subject=facts["subject"]).first()
        linked_by = "sub"
        if profile is None:
            profile = profiles.filter(id_number=facts["id_number"]).first()
            linked_by = "id_number"
        created = profile is None
        if created:
            user = _new_citizen_user(
                full_name=facts["name"], email=facts["email"], phone=facts["phone"]
            )
            profile = CitizenProfile(user=user)
            linked_by = ""
        user = profile.user
        _refuse_non_citizen(user)
        before = None if created else _snapshot(profile)
        if facts["id_number"] != (profile.id_number or facts["id_number"]):
            raise SignInRefused(
                bilingual(
                    _(
                        "This national sign-in account is linked to a different identity "
                        "number. Contact the help desk."
                    )
                ),
                code="id_number_mismatch",
            )
        profile.id_number = facts["id_number"]
        profile.oidc_subject = facts["subject"]
        profile.oidc_issuer = issuer
        if facts["birth_date"]:
            profile.birth_date = facts["birth_date"]
        profile.phone = profile.phone or facts["phone"]
        profile.email = profile.email or facts["email"]
        profile.verified_by = VerifiedBy.NATIONAL_SSO
        profile.last_sign_in_at = now
        profile.save()
        if facts["name"] and user.full_name != facts["name"]:
            user.full_name = facts["name"]
            user.save(update_fields=["full_name"])
        log_action(
            "citizens.sso_sign_in",
            target=profile,
            actor=user,
            details={"created": created, "linked_by": linked_by, "issuer": issuer, "ip": ip},
            before=before,
            after=_snapshot(profile),
        )
    return user


# ---------------------------------------------------------------------------------------------
# Sign-in: local account with a one-time code (the code is checked by citizens.codes)


def sign_in_with_code(*, channel: str, destination: str, ip: str | None = None):
    """Find or create the citizen who owns ``destination`` (an e-mail or phone whose code was
    just verified). Called by ``codes.verify_sign_in_code`` inside its transaction."""
    field = "email" if channel == CodeChannel.EMAIL else "phone"
    verified_by = VerifiedBy.EMAIL_CODE if channel == CodeChannel.EMAIL else VerifiedBy.PHONE_CODE
    now = timezone.now()
    profile = (
        CitizenProfile.objects.select_for_update()
        .select_related("user")
        .filter(**{field: destination})
        .order_by("pk")
        .first()
    )
    created = profile is None
    if created:
        user = _new_citizen_user(full_name="", **{field: destination})
        profile = CitizenProfile(user=user, verified_by=verified_by, **{field: destination})
    user = profile.user
    _refuse_non_citizen(user)
    if not profile.verified_by:
        profile.verified_by = verified_by
    profile.last_sign_in_at = now
    profile.save()
    log_action(
        "citizens.code_sign_in",
        target=profile,
        actor=user,
        details={"created": created, "channel": channel, "ip": ip},
    )
    return user


# ---------------------------------------------------------------------------------------------
# Profile changes


def update_profile(*, user, full_name: str, address: str, unit=None, acting_user) -> CitizenProfile:
    """Change the free-text parts of a citizen's profile (contacts change with a code, see
    ``codes.confirm_contact_change``; identity facts only through the national SSO)."""
    if acting_user != user or not is_citizen(user):
        raise PermissionDenied
    with transaction.atomic():
        profile = ensure_profile(user=user)
        before = _snapshot(profile)
        if full_name and not profile.id_number:  # SSO-verified names follow the provider
            user.full_name = full_name.strip()[:200]
            user.save(update_fields=["full_name"])
        profile.address = address.strip()[:500]
        profile.unit = unit
        profile.save()
        log_action(
            "citizens.update_profile",
            target=profile,
            actor=acting_user,
            before=before,
            after=_snapshot(profile),
        )
    return profile


def ensure_profile(*, user) -> CitizenProfile:
    """The citizen's profile, created empty if the account has none (e.g. made in the admin)."""
    profile, _created = CitizenProfile.objects.get_or_create(
        user=user,
        defaults={"phone": user.phone, "email": user.email, "verified_by": ""},
    )
    return profile


def set_contact(*, user, channel: str, value: str) -> CitizenProfile:
    """Store a verified new e-mail or phone (inside ``codes.confirm_contact_change``)."""
    profile = ensure_profile(user=user)
    before = _snapshot(profile)
    field = "email" if channel == CodeChannel.EMAIL else "phone"
    setattr(profile, field, value)
    profile.save()
    setattr(user, field, value)
    user.save(update_fields=[field])
    log_action(
        "citizens.change_contact",
        target=profile,
        actor=user,
        details={"channel": channel},
        before=before,
        after=_snapshot(profile),
    )
    return profile


def _snapshot(profile: CitizenProfile) -> dict:
    return {
        "id_number": profile.id_number,
        "full_name": profile.user.full_name,
        "birth_date": profile.birth_date.isoformat() if profile.birth_date else None,
        "phone": profile.phone,
        "email": profile.email,
        "address": profile.address,
        "unit": profile.unit_id,
        "oidc_subject": profile.oidc_subject,
        "verified_by": profile.verified_by,
    }
