"""Sealing secrets at rest (PKCS#12 files and their passphrases) and reading certificates.

The sealing key is derived (HKDF-SHA256) from ``SIGNING_KEY_ENCRYPTION_KEY`` when set, else from
``SECRET_KEY``: a deployment that may rotate ``SECRET_KEY`` must set the dedicated setting, or
its stored PKCS#12 keys can no longer be opened.
"""

import base64
import datetime
import hashlib

from asn1crypto import pem, x509
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from chinhquyen.signing.errors import KeyUnavailableError, SigningError


def _fernet() -> Fernet:
    secret = getattr(settings, "SIGNING_KEY_ENCRYPTION_KEY", "") or settings.SECRET_KEY
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"chinhquyen.signing",
        info=b"signing-keys-at-rest",
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def unseal(token: bytes) -> bytes:
    try:
        return _fernet().decrypt(bytes(token))
    except InvalidToken as exc:
        raise KeyUnavailableError(
            _("The stored key cannot be decrypted: the encryption key setting has changed.")
        ) from exc


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate in ``data`` (PEM, possibly several, or one DER)."""
    try:
        if pem.detect(data):
            return [
                x509.Certificate.load(der)
                for _name, _headers, der in pem.unarmor(data, multiple=True)
            ]
        cert = x509.Certificate.load(data)
        cert.native  # noqa: B018 (parses the whole structure, raising on garbage)
    except (ValueError, TypeError) as exc:
        raise SigningError(_("The file is not an X.509 certificate (PEM or DER).")) from exc
    return [cert]


def certificates_pem(certs: list[x509.Certificate]) -> str:
    return "".join(pem.armor("CERTIFICATE", cert.dump()).decode() for cert in certs)


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.dump()).hexdigest()


def serial_hex(cert: x509.Certificate) -> str:
    return format(cert.serial_number, "X")


def name_text(name: x509.Name) -> str:
    return name.human_friendly


def common_name(cert: x509.Certificate) -> str:
    return cert.subject.native.get("common_name") or cert.subject.human_friendly


def validity(cert: x509.Certificate) -> tuple[datetime.datetime, datetime.datetime]:
    return cert.not_valid_before, cert.not_valid_after
