"""Signing PDFs and managing signing keys and the trust list.

Public API (used by the documents and dossiers apps, the ``sign`` command and the admin):

* :func:`sign_pdf` — add a PAdES signature (B-B; B-LT with a timestamp, OCSP/CRL when
  ``SIGNING_TSA_URL`` is set) as an incremental update, audited.
* :func:`chinhquyen.signing.verification.verify_pdf` — re-exported here.
* :func:`import_pkcs12_key`, :func:`register_pkcs11_key`, :func:`add_trust_anchor`.

Every refusal raises a :class:`~chinhquyen.signing.errors.SigningError` subclass with a
bilingual message; nothing is returned then, and the caller's PDF bytes are never modified.
"""

import asyncio
import contextlib
import hashlib
from collections.abc import Iterator
from io import BytesIO

from asn1crypto import x509
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import log_action
from chinhquyen.signing import crypto
from chinhquyen.signing.appearance import A4, Appearance
from chinhquyen.signing.choices import KeyStorage, SignatureRole
from chinhquyen.signing.errors import (
    CertificateRefusedError,
    KeyUnavailableError,
    NoSigningKeyError,
    PermissionDeniedError,
    SigningError,
)
from chinhquyen.signing.models import SigningKey, TrustAnchor
from chinhquyen.signing.registry import register_signing_key
from chinhquyen.signing.verification import VerificationReport, verify_pdf

__all__ = [
    "Appearance",
    "VerificationReport",
    "add_trust_anchor",
    "import_pkcs12_key",
    "register_pkcs11_key",
    "resolve_signing_key",
    "sign_pdf",
    "trust_roots",
    "verify_pdf",
]

SIGN_AS_ORGANISATION = "signing.sign_as_organisation"


# --- trust list -------------------------------------------------------------------------


def trust_roots() -> list[x509.Certificate]:
    """The active trust anchors as certificates."""
    return [
        x509.Certificate.load(bytes(der))
        for der in TrustAnchor.objects.filter(is_active=True).values_list("certificate", flat=True)
    ]


def add_trust_anchor(*, certificate: bytes, name: str = "", acting_user=None) -> TrustAnchor:
    """Add a CA certificate (PEM or DER) to the trust list; re-adding one re-activates it."""
    certs = crypto.load_certificates(certificate)
    if len(certs) != 1:
        raise SigningError(
            _("Give exactly one certificate (the file holds %(count)s)."), count=len(certs)
        )
    cert = certs[0]
    fingerprint = crypto.fingerprint(cert)
    with transaction.atomic():
        anchor, _created = TrustAnchor.objects.update_or_create(
            fingerprint_sha256=fingerprint,
            defaults={
                "name": name or crypto.common_name(cert),
                "certificate": cert.dump(),
                "subject": crypto.name_text(cert.subject),
                "valid_until": cert.not_valid_after,
                "is_active": True,
            },
        )
        log_action(
            "signing.add_trust_anchor",
            target=anchor,
            actor=acting_user,
            details={"subject": anchor.subject, "sha256": fingerprint},
        )
    return anchor


# --- keys -------------------------------------------------------------------------------


def _owner_fields(role: str, user, organisation) -> dict:
    role = SignatureRole(role)
    if role == SignatureRole.PERSONAL:
        if user is None or organisation is not None:
            raise SigningError(
                _("A personal key belongs to one official (user), not an organisation.")
            )
        return {"role": role, "user": user, "organisation": None}
    if organisation is None or user is not None:
        raise SigningError(_("An organisation key belongs to one organisation, not an official."))
    return {"role": role, "user": None, "organisation": organisation}


def _certificate_fields(cert: x509.Certificate, chain: list[x509.Certificate]) -> dict:
    return {
        "certificate": cert.dump(),
        "chain_pem": crypto.certificates_pem(chain),
        "serial_number": crypto.serial_hex(cert),
        "issuer": crypto.name_text(cert.issuer),
        "subject": crypto.name_text(cert.subject),
        "valid_from": cert.not_valid_before,
        "valid_until": cert.not_valid_after,
    }


def import_pkcs12_key(
    *,
    data: bytes,
    passphrase: str,
    role: str,
    user=None,
    organisation=None,
    label: str = "",
    acting_user=None,
) -> SigningKey:
    """Store a PKCS#12 key (sealed, with its sealed passphrase) for an official or organisation."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    owner = _owner_fields(role, user, organisation)
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase.encode())
    except ValueError as exc:
        raise KeyUnavailableError(
            _("The PKCS#12 file cannot be opened: wrong passphrase or not a PKCS#12 file.")
        ) from exc
    if key is None or cert is None:
        raise KeyUnavailableError(_("The PKCS#12 file holds no private key with its certificate."))
    from cryptography.hazmat.primitives.serialization import Encoding

    signer_cert = x509.Certificate.load(cert.public_bytes(Encoding.DER))
    chain = [x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in extra or ()]
    with transaction.atomic():
        signing_key = SigningKey.objects.create(
            **owner,
            label=label or crypto.common_name(signer_cert),
            storage=KeyStorage.PKCS12,
            pkcs12_sealed=crypto.seal(data),
            passphrase_sealed=crypto.seal(passphrase.encode()),
            **_certificate_fields(signer_cert, chain),
        )
        log_action(
            "signing.import_pkcs12_key",
            target=signing_key,
            actor=acting_user,
            details={
                "role": signing_key.role,
                "serial": signing_key.serial_number,
                "issuer": signing_key.issuer,
            },
        )
        register_signing_key(signing_key, acting_user=acting_user)
    return signing_key


def register_pkcs11_key(
    *,
    module: str,
    token_label: str,
    key_label: str,
    certificate: bytes,
    role: str,
    user=None,
    organisation=None,
    label: str = "",
    acting_user=None,
) -> SigningKey:
    """Record a key on a PKCS#11 token. ``certificate``: PEM, the signer's first, then its chain.

    The PIN is not stored: it is given to :func:`sign_pdf` each time.
    """
    owner = _owner_fields(role, user, organisation)
    certs = crypto.load_certificates(certificate)
    signer_cert, chain = certs[0], certs[1:]
    with transaction.atomic():
        signing_key = SigningKey.objects.create(
            **owner,
            label=label or crypto.common_name(signer_cert),
            storage=KeyStorage.PKCS11,
            pkcs11_module=module,
            pkcs11_token_label=token_label,
            pkcs11_key_label=key_label,
            **_certificate_fields(signer_cert, chain),
        )
        log_action(
            "signing.register_pkcs11_key",
            target=signing_key,
            actor=acting_user,
            details={
                "role": signing_key.role,
                "serial": signing_key.serial_number,
                "token": token_label,
                "key": key_label,
            },
        )
        register_signing_key(signing_key, acting_user=acting_user)
    return signing_key


def resolve_signing_key(signer, role: str) -> SigningKey:
    """The active key for ``signer`` (a SigningKey, a user, or an Organisation) in ``role``.

    For the organisation role a user stands for their organisation. Among several active keys
    the one valid longest is taken.
    """
    from chinhquyen.directory.models import Organisation

    role = SignatureRole(role)
    if isinstance(signer, SigningKey):
        if signer.role != role:
            raise NoSigningKeyError(
                _("This key signs as %(key_role)s, not as %(role)s."),
                key_role=signer.get_role_display(),
                role=role.label,
            )
        return signer
    keys = SigningKey.objects.filter(role=role, is_active=True).order_by("-valid_until", "-pk")
    if role == SignatureRole.PERSONAL:
        key = keys.filter(user=signer).first()
        if key is None:
            raise NoSigningKeyError(
                _("%(name)s has no signing key for personal signatures."), name=str(signer)
            )
        return key
    organisation = signer if isinstance(signer, Organisation) else _organisation_of(signer)
    key = keys.filter(organisation=organisation).first()
    if key is None:
        raise NoSigningKeyError(
            _("%(name)s has no signing key for the organisation's signature."),
            name=str(organisation),
        )
    return key


def _organisation_of(user):
    official = getattr(user, "official", None)
    if official is None:
        raise NoSigningKeyError(
            _("%(name)s is not an official of any organisation."), name=str(user)
        )
    return official.organisation


def _check_may_sign(key: SigningKey, acting_user) -> None:
    """``acting_user`` None is the system or a command (already authorised by the caller)."""
    if acting_user is None:
        return
    if key.role == SignatureRole.PERSONAL:
        if key.user_id != acting_user.pk:
            raise PermissionDeniedError(_("Only the owner of a personal key may sign with it."))
        return
    from chinhquyen.accounts.scopes import ALL, organisation_scope

    scope = organisation_scope(acting_user, SIGN_AS_ORGANISATION)
    path = key.organisation.path
    if scope is ALL or any(path.startswith(prefix) for prefix in scope):
        return
    raise PermissionDeniedError(
        _("You may not apply the signature of %(organisation)s."),
        organisation=str(key.organisation),
    )


# --- certificate checks -----------------------------------------------------------------


def _key_certificates(key: SigningKey) -> tuple[x509.Certificate, list[x509.Certificate]]:
    cert = x509.Certificate.load(bytes(key.certificate))
    chain = crypto.load_certificates(key.chain_pem.encode()) if key.chain_pem else []
    return cert, chain


def validation_context(*, other_certs=(), fetching: bool = True):
    """Trust list + revocation checking (soft-fail: an unreachable responder is not fatal)."""
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(
        trust_roots=trust_roots(),
        other_certs=list(other_certs),
        allow_fetching=fetching,
        revocation_mode="soft-fail",
    )


def check_signer_certificate(cert: x509.Certificate, chain: list[x509.Certificate], vc) -> None:
    """Refuse an expired, not-yet-valid, revoked or untrusted certificate (bilingual message)."""
    from pyhanko.sign._session_scope import run_and_release
    from pyhanko_certvalidator import CertificateValidator
    from pyhanko_certvalidator.errors import (
        PathBuildingError,
        PathValidationError,
        RevokedError,
    )

    now = timezone.now()
    name = crypto.common_name(cert)
    if cert.not_valid_after < now:
        raise CertificateRefusedError(
            _("The certificate of %(name)s expired on %(date)s: nothing was signed."),
            name=name,
            date=cert.not_valid_after.date().isoformat(),
        )
    if cert.not_valid_before > now:
        raise CertificateRefusedError(
            _("The certificate of %(name)s is not valid before %(date)s: nothing was signed."),
            name=name,
            date=cert.not_valid_before.date().isoformat(),
        )
    validator = CertificateValidator(cert, intermediate_certs=chain, validation_context=vc)
    try:
        # run_and_release closes the HTTP sessions inside this event loop, so the context can
        # be reused by the signer in the next one.
        asyncio.run(run_and_release(validator.async_validate_usage({"digital_signature"}), vc))
    except RevokedError as exc:
        raise CertificateRefusedError(
            _("The certificate of %(name)s has been revoked: nothing was signed."), name=name
        ) from exc
    except PathBuildingError as exc:
        raise CertificateRefusedError(
            _(
                "The certificate of %(name)s is not issued by a trusted authority "
                "(see the trust list): nothing was signed."
            ),
            name=name,
        ) from exc
    except PathValidationError as exc:
        raise CertificateRefusedError(
            _("The certificate of %(name)s is not valid (%(reason)s): nothing was signed."),
            name=name,
            reason=str(exc),
        ) from exc


# --- signing ----------------------------------------------------------------------------


@contextlib.contextmanager
def _open_signer(key: SigningKey, cert, chain, *, pin: str | None) -> Iterator[object]:
    """A pyHanko signer for ``key`` (PKCS#12 unsealed in memory, or a PKCS#11 session)."""
    if key.storage == KeyStorage.PKCS12:
        from pyhanko.sign.signers import SimpleSigner

        try:
            signer = SimpleSigner.load_pkcs12_data(
                crypto.unseal(key.pkcs12_sealed),
                other_certs=chain,
                passphrase=crypto.unseal(key.passphrase_sealed),
            )
        except ValueError as exc:
            raise KeyUnavailableError(_("The stored PKCS#12 key cannot be opened.")) from exc
        yield signer
        return
    yield from _pkcs11_signer(key, cert, chain, pin=pin)


def _pkcs11_signer(key: SigningKey, cert, chain, *, pin: str | None):
    import pkcs11
    from pkcs11 import exceptions as p11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    if not pin:
        raise KeyUnavailableError(_("The PIN of the token is required to sign with it."))
    try:
        session = open_pkcs11_session(
            key.pkcs11_module,
            token_criteria=TokenCriteria(label=key.pkcs11_token_label),
            user_pin=pin,
        )
    except (p11.PinIncorrect, p11.PinInvalid, p11.PinLenRange) as exc:
        raise KeyUnavailableError(_("Wrong PIN for the token: nothing was signed.")) from exc
    except p11.PinLocked as exc:
        raise KeyUnavailableError(_("The token's PIN is locked: nothing was signed.")) from exc
    except (pkcs11.NoSuchToken, p11.TokenNotPresent, p11.TokenNotRecognised) as exc:
        raise KeyUnavailableError(
            _("The token %(token)s is not present: nothing was signed."),
            token=key.pkcs11_token_label,
        ) from exc
    except (OSError, RuntimeError, p11.PKCS11Error) as exc:
        if str(exc).startswith("No token"):  # pyHanko: no token with that label in any slot
            raise KeyUnavailableError(
                _("The token %(token)s is not present: nothing was signed."),
                token=key.pkcs11_token_label,
            ) from exc
        raise KeyUnavailableError(
            _("The PKCS#11 module %(module)s cannot be used: nothing was signed."),
            module=key.pkcs11_module,
        ) from exc
    try:
        signer = PKCS11Signer(
            session, key_label=key.pkcs11_key_label, signing_cert=cert, ca_chain=chain
        )
        yield signer
    finally:
        session.close()


def _page_info(reader) -> tuple[int, tuple[float, float]]:
    pages = reader.root["/Pages"]
    count = int(pages.get("/Count", 1))
    try:
        page_ref, _resources = reader.find_page_for_modification(0)
        box = page_ref.get_object()["/MediaBox"]
        size = (float(box[2]) - float(box[0]), float(box[3]) - float(box[1]))
    except (KeyError, TypeError, ValueError, IndexError):
        size = A4
    return count, size


def _next_field_name(reader, role: str) -> str:
    from pyhanko.sign.fields import enumerate_sig_fields

    taken = {name for name, _value, _ref in enumerate_sig_fields(reader)}
    number = len(taken) + 1
    while f"Signature{number}_{role}" in taken:
        number += 1
    return f"Signature{number}_{role}"


def _refuse_tampered(reader) -> None:
    """Refuse to sign over a signature that is already broken or was followed by changes."""
    from chinhquyen.signing.verification import integrity_problems

    problems = integrity_problems(reader)
    if problems:
        raise SigningError(
            _("The PDF was modified after an earlier signature (%(detail)s): nothing was signed."),
            detail="; ".join(problems),
        )


def sign_pdf(
    pdf: bytes,
    *,
    signer,
    role: str,
    appearance: Appearance | None = None,
    pin: str | None = None,
    acting_user=None,
) -> bytes:
    """Sign ``pdf`` as ``signer`` in ``role`` and return the new PDF (an incremental update).

    ``signer``: a user (personal role: their own key; organisation role: their organisation's
    key), an Organisation, or a SigningKey. ``pin``: for PKCS#11 keys. PAdES B-B; B-LT (signature
    timestamp, OCSP responses and CRLs in the DSS) when ``SIGNING_TSA_URL`` is set.
    Earlier signatures stay valid. Audited as ``signing.sign_pdf``. The visible signature
    goes where the document asks (``placement.locate``: an empty field, the signer block, the
    leader's signature for the seal), else to the role's default box. To sign many documents
    with one unlock of the key, use ``chinhquyen.signing.batch.sign_batch``.
    """
    from chinhquyen.signing.batch import signing_session

    # A session of one document: the key is unlocked after the PDF was checked.
    with signing_session(signer=signer, role=role, pin=pin, acting_user=acting_user) as session:
        return session.sign(pdf, appearance=appearance)


def _raise_token_error(exc: Exception) -> None:
    """Turn a PKCS#11 failure during signing (e.g. the key is not on the token) into a message."""
    try:
        from pkcs11 import exceptions as p11
    except ImportError:  # pragma: no cover
        return
    if isinstance(exc, p11.PKCS11Error):
        raise KeyUnavailableError(
            _("The token refused to sign (%(reason)s): nothing was signed."),
            reason=type(exc).__name__,
        ) from exc


# Largest image kept with a key: a seal or signature is a few kilobytes.
APPEARANCE_IMAGE_MAX_BYTES = 512 * 1024


def set_appearance_image(key: SigningKey, image: bytes | None, *, acting_user=None) -> SigningKey:
    """Store the PNG shown with the key's signatures (None removes it), audited.

    Decree 30/2020 Appendix I §II: a personal key shows the person's handwritten signature (blue),
    an organisation key its seal (red, at real size), each a PNG with a transparent background.
    """
    from PIL import Image, UnidentifiedImageError

    if image is not None:
        if len(image) > APPEARANCE_IMAGE_MAX_BYTES or not image.startswith(b"\x89PNG\r\n\x1a\n"):
            raise SigningError(
                _("The signature or seal image must be a PNG file of at most 512 KB.")
            )
        try:
            with Image.open(BytesIO(image)) as picture:
                picture.load()
                transparent = picture.mode in ("RGBA", "LA") or "transparency" in picture.info
        except (UnidentifiedImageError, OSError) as exc:
            raise SigningError(_("The signature or seal image cannot be read.")) from exc
        if not transparent:
            raise SigningError(
                _("The signature or seal image needs a transparent background (PNG with alpha).")
            )
    with transaction.atomic():
        SigningKey.objects.filter(pk=key.pk).update(appearance_image=image)
        key.appearance_image = image
        log_action(
            "signing.set_appearance_image",
            target=key,
            actor=acting_user,
            details={
                "bytes": len(image) if image else 0,
                "sha256": hashlib.sha256(image).hexdigest() if image else "",
            },
        )
    return key
