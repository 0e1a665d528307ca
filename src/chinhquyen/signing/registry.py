"""The certificate registry: register certificates, keep their status, count them per agency.

Public API::

    register_certificate(*, data, kind, organisation=None, official=None, passphrase="",
                         acting_user=None) -> Certificate
    register_signing_key(key, *, acting_user=None) -> Certificate | None
    refresh_status(certificate, *, now=None, check_revocation=False, acting_user=None)
    certificate_counts(*, at, root=None, queryset=None) -> list[CertificateCount]
    count_totals(rows) -> CertificateCount

Every refusal is a :class:`~chinhquyen.signing.errors.SigningError` with a bilingual message;
nothing is saved then.
"""

import datetime
from dataclasses import dataclass

from asn1crypto import x509
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import log_action
from chinhquyen.signing import crypto
from chinhquyen.signing.choices import (
    CertificateKind,
    CertificateStatus,
    SignatureRole,
)
from chinhquyen.signing.errors import SigningError
from chinhquyen.signing.models import Certificate, SigningKey

__all__ = [
    "CertificateCount",
    "certificate_counts",
    "count_totals",
    "expiring_soon",
    "read_certificate_file",
    "refresh_status",
    "register_certificate",
    "register_signing_key",
]


class DuplicateCertificateError(SigningError):
    code = "duplicate_certificate"


# --- reading a file ---------------------------------------------------------------------


def read_certificate_file(
    data: bytes, *, passphrase: str = ""
) -> tuple[x509.Certificate, list[x509.Certificate], bool]:
    """(certificate, chain, is_pkcs12) from PEM, DER, or — with a passphrase — PKCS#12."""
    try:
        certs = crypto.load_certificates(data)
    except SigningError:
        certs = []
    if certs:
        return certs[0], certs[1:], False
    if not passphrase:
        raise SigningError(
            _(
                "The file is not a certificate (PEM or DER). For a PKCS#12 file (.p12, .pfx) "
                "give its passphrase."
            )
        )
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    try:
        _key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase.encode())
    except ValueError as exc:
        raise SigningError(
            _("The PKCS#12 file cannot be opened: wrong passphrase or not a PKCS#12 file.")
        ) from exc
    if cert is None:
        raise SigningError(_("The PKCS#12 file holds no certificate."))
    signer = x509.Certificate.load(cert.public_bytes(Encoding.DER))
    chain = [x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in extra or ()]
    return signer, chain, True


# --- registering ------------------------------------------------------------------------


def _status_at(cert_until: datetime.datetime, now: datetime.datetime) -> str:
    return CertificateStatus.EXPIRED if cert_until < now else CertificateStatus.VALID


def _owner(kind: str, organisation, official):
    kind = CertificateKind(kind)
    if kind == CertificateKind.ORGANISATIONAL:
        if organisation is None or official is not None:
            raise SigningError(
                _("An organisational certificate belongs to one organisation, not an official.")
            )
        return kind, organisation, None
    if official is None:
        raise SigningError(
            _("A personal or SIM-based certificate belongs to one official: choose the official.")
        )
    if organisation is not None and organisation.pk != official.organisation_id:
        raise SigningError(
            _("%(official)s does not belong to %(organisation)s."),
            official=official.full_name,
            organisation=organisation.name,
        )
    return kind, official.organisation, official


def _refuse_duplicate(fingerprint: str) -> None:
    existing = (
        Certificate.objects.select_related("official", "organisation")
        .filter(fingerprint_sha256=fingerprint)
        .first()
    )
    if existing is not None:
        raise DuplicateCertificateError(
            _(
                "This certificate is already in the registry (serial %(serial)s, "
                "%(owner)s): nothing was saved."
            ),
            serial=existing.serial_number,
            owner=existing.owner_name,
        )


def _create(
    cert: x509.Certificate,
    chain: list[x509.Certificate],
    *,
    kind: str,
    organisation,
    official,
    signing_key: SigningKey | None,
    acting_user,
) -> Certificate:
    fingerprint = crypto.fingerprint(cert)
    _refuse_duplicate(fingerprint)
    now = timezone.now()
    try:
        with transaction.atomic():
            entry = Certificate.objects.create(
                kind=kind,
                organisation=organisation,
                official=official,
                signing_key=signing_key,
                certificate=cert.dump(),
                chain_pem=crypto.certificates_pem(chain),
                serial_number=crypto.serial_hex(cert),
                issuer=crypto.name_text(cert.issuer),
                subject=crypto.name_text(cert.subject),
                common_name=str(crypto.common_name(cert))[:300],
                valid_from=cert.not_valid_before,
                valid_until=cert.not_valid_after,
                fingerprint_sha256=fingerprint,
                status=_status_at(cert.not_valid_after, now),
                status_checked_at=now,
                registered_at=now,
                registered_by=acting_user,
            )
            log_action(
                "signing.register_certificate",
                target=entry,
                actor=acting_user,
                details={
                    "kind": entry.kind,
                    "serial": entry.serial_number,
                    "issuer": entry.issuer,
                    "sha256": fingerprint,
                    "signing_key": signing_key.pk if signing_key else None,
                },
            )
    except IntegrityError as exc:  # registered by someone else meanwhile
        raise DuplicateCertificateError(
            _("This certificate is already in the registry: nothing was saved.")
        ) from exc
    return entry


def register_certificate(
    *,
    data: bytes,
    kind: str,
    organisation=None,
    official=None,
    passphrase: str = "",
    acting_user=None,
) -> Certificate:
    """Register an uploaded certificate (PEM/DER; the first one is the holder's, the rest its
    chain) of an organisation (kind organisational) or an official (personal, SIM).

    A PKCS#12 file (with ``passphrase``) is imported as a software signing key
    (``services.import_pkcs12_key``, stored sealed) and registered linked to it; a SIM-based
    certificate has no key here, so a PKCS#12 file is refused for that kind.
    """
    kind, organisation, official = _owner(kind, organisation, official)
    cert, chain, is_pkcs12 = read_certificate_file(data, passphrase=passphrase)
    if is_pkcs12:
        if kind == CertificateKind.SIM:
            raise SigningError(
                _("A SIM-based certificate has no key here: upload the certificate, not a PKCS#12.")
            )
        _refuse_duplicate(crypto.fingerprint(cert))
        from chinhquyen.signing.services import import_pkcs12_key

        with transaction.atomic():
            key = import_pkcs12_key(
                data=data,
                passphrase=passphrase,
                role=(
                    SignatureRole.ORGANISATION
                    if kind == CertificateKind.ORGANISATIONAL
                    else SignatureRole.PERSONAL
                ),
                user=official.user if official else None,
                organisation=None if official else organisation,
                acting_user=acting_user,
            )
            entry = Certificate.objects.get(signing_key=key)
        return entry
    return _create(
        cert,
        chain,
        kind=kind,
        organisation=organisation,
        official=official,
        signing_key=None,
        acting_user=acting_user,
    )


def register_signing_key(key: SigningKey, *, acting_user=None) -> Certificate | None:
    """Register (or link) the certificate of a newly configured signing key.

    Called by ``services.import_pkcs12_key`` and ``register_pkcs11_key`` in their transaction.
    A certificate already in the registry is linked to the key; a personal key of a user who is
    not an official (no organisation) is not registered (None).
    """
    cert = x509.Certificate.load(bytes(key.certificate))
    fingerprint = crypto.fingerprint(cert)
    existing = Certificate.objects.filter(fingerprint_sha256=fingerprint).first()
    if existing is not None:
        if existing.signing_key_id is None:
            existing.signing_key = key
            existing.save(update_fields=["signing_key"])
            log_action(
                "signing.link_certificate",
                target=existing,
                actor=acting_user,
                details={"signing_key": key.pk},
            )
        return existing
    if key.role == SignatureRole.ORGANISATION:
        kind, organisation, official = CertificateKind.ORGANISATIONAL, key.organisation, None
    else:
        from chinhquyen.directory.models import Official

        official = Official.objects.filter(user_id=key.user_id).first()
        if official is None:
            return None
        kind, organisation = CertificateKind.PERSONAL, official.organisation
    chain = crypto.load_certificates(key.chain_pem.encode()) if key.chain_pem else []
    return _create(
        cert,
        chain,
        kind=kind,
        organisation=organisation,
        official=official,
        signing_key=key,
        acting_user=acting_user,
    )


# --- status -----------------------------------------------------------------------------


def _revoked(entry: Certificate) -> bool:
    """True when an OCSP responder or CRL says the certificate is revoked (soft-fail)."""
    import asyncio

    from pyhanko.sign._session_scope import run_and_release
    from pyhanko_certvalidator import CertificateValidator
    from pyhanko_certvalidator.errors import (
        PathBuildingError,
        PathValidationError,
        RevokedError,
    )

    from chinhquyen.signing.services import validation_context

    cert = x509.Certificate.load(bytes(entry.certificate))
    chain = crypto.load_certificates(entry.chain_pem.encode()) if entry.chain_pem else []
    vc = validation_context(other_certs=chain)
    validator = CertificateValidator(cert, intermediate_certs=chain, validation_context=vc)
    try:
        asyncio.run(run_and_release(validator.async_validate_path(), vc))
    except RevokedError:
        return True
    except (PathBuildingError, PathValidationError):
        return False
    return False


def refresh_status(
    certificate: Certificate,
    *,
    now: datetime.datetime | None = None,
    check_revocation: bool = False,
    acting_user=None,
) -> Certificate:
    """Re-check the status (expired by date; revoked by OCSP/CRL with ``check_revocation``).

    A revoked certificate stays revoked. Audited when the status changes.
    """
    now = now or timezone.now()
    status = certificate.status
    revoked_at = certificate.revoked_at
    if status != CertificateStatus.REVOKED:
        status = _status_at(certificate.valid_until, now)
        if check_revocation and status == CertificateStatus.VALID and _revoked(certificate):
            status, revoked_at = CertificateStatus.REVOKED, now
    with transaction.atomic():
        before = certificate.status
        Certificate.objects.filter(pk=certificate.pk).update(
            status=status, status_checked_at=now, revoked_at=revoked_at
        )
        certificate.status, certificate.status_checked_at = status, now
        certificate.revoked_at = revoked_at
        if before != status:
            log_action(
                "signing.certificate_status",
                target=certificate,
                actor=acting_user,
                details={"before": before, "after": status},
            )
    return certificate


def expiring_soon(queryset=None, *, days: int | None = None, now=None):
    """Certificates not revoked whose validity ends within ``days`` (the warning threshold)."""
    from chinhquyen.signing.expiry import warning_days

    now = now or timezone.now()
    days = warning_days() if days is None else days
    queryset = Certificate.objects.all() if queryset is None else queryset
    return queryset.exclude(status=CertificateStatus.REVOKED).filter(
        valid_until__gte=now, valid_until__lte=now + datetime.timedelta(days=days)
    )


# --- counts for the IT report -----------------------------------------------------------


@dataclass(frozen=True)
class CertificateCount:
    """Certificates valid on one date held by one organisation (or the total: pk None)."""

    organisation_id: int | None
    organisation_name: str
    depth: int
    organisational: int
    personal: int
    sim: int

    @property
    def total(self) -> int:
        return self.organisational + self.personal + self.sim


def _day_bounds(at: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(at, datetime.time.min, tzinfo=tz)
    return start, start + datetime.timedelta(days=1)


def valid_on(queryset, at: datetime.date):
    """Rows of ``queryset`` valid at some moment of the day ``at`` (local time), not revoked
    before that day ended."""
    start, end = _day_bounds(at)
    return queryset.filter(valid_from__lt=end, valid_until__gte=start).exclude(
        status=CertificateStatus.REVOKED, revoked_at__lt=end
    )


def certificate_counts(*, at: datetime.date, root=None, queryset=None) -> list[CertificateCount]:
    """Per organisation (tree order), the certificates valid at ``at`` by kind.

    ``root``: an Organisation — only it and its subtree; ``queryset``: a Certificate queryset
    to start from (e.g. ``Certificate.objects.restrict(user, "view")``). Organisations with no
    certificate are left out. A certificate counts for the organisation it is registered to
    (for a personal or SIM certificate: the official's organisation). The sum is
    :func:`count_totals`. Two queries whatever the number of organisations.
    """
    from chinhquyen.directory.models import Organisation

    rows = valid_on(Certificate.objects.all() if queryset is None else queryset, at)
    if root is not None:
        rows = rows.filter(organisation__path__startswith=root.path)
    grouped = (
        rows.order_by()
        .values("organisation")
        .annotate(
            organisational=Count("pk", filter=Q(kind=CertificateKind.ORGANISATIONAL)),
            personal=Count("pk", filter=Q(kind=CertificateKind.PERSONAL)),
            sim=Count("pk", filter=Q(kind=CertificateKind.SIM)),
        )
    )
    by_org = {row["organisation"]: row for row in grouped}
    organisations = Organisation.objects.filter(pk__in=list(by_org)).order_by("path")
    return [
        CertificateCount(
            organisation_id=org.pk,
            organisation_name=org.name,
            depth=org.depth,
            organisational=by_org[org.pk]["organisational"],
            personal=by_org[org.pk]["personal"],
            sim=by_org[org.pk]["sim"],
        )
        for org in organisations.only("pk", "name", "depth", "path")
    ]


def count_totals(rows: list[CertificateCount]) -> CertificateCount:
    """The sum of ``rows`` (organisation_id None)."""
    return CertificateCount(
        organisation_id=None,
        organisation_name=str(_("Total")),
        depth=0,
        organisational=sum(row.organisational for row in rows),
        personal=sum(row.personal for row in rows),
        sim=sum(row.sim for row in rows),
    )
