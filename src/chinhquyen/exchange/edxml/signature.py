"""The XML signature of the sending organisation (chữ ký số của cơ quan gửi) on edXML packages.

An enveloped XML-DSig (signxml; RSA-SHA256 for RSA keys, ECDSA-SHA256 for EC keys; SHA-256
digests; C14N 1.1) with ``Reference URI=""``: it covers the **whole document** — the envelope
and ``AttachmentEncoded`` — because the manifest carries no digests of the attachments, so
signing only the envelope would leave the files unprotected. The ``ds:Signature`` sits inside
``edXML:DigitalSignature``; ``KeyInfo`` carries the signer's X.509 certificate and its chain.

Keys come from the signing app (``SigningKey`` with role organisation). PKCS#12 software keys
sign here; keys on a PKCS#11 token do not yet (signxml needs the private key object, and an
XML signer over a python-pkcs11 session — SignedInfo canonicalised here, the RSA operation on
the token — is not written): such an organisation gets a clear ``edxml_key_unavailable`` error.

Verification (:func:`verify_tree`): the signature is checked first (signxml, on the tree the
safe parser built), and only the part signxml returns as signed is read afterwards (no
signature-wrapping); then :func:`check_certificate` requires a chain to the platform's trust
anchors (``signing.services.trust_roots``; revocation soft-fail) and that the certificate's
organisation is ``From/OrganId`` when it can tell (a QCVN 102 code in the certificate subject,
or the certificate registered for an organisation on this platform).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext_lazy as _
from lxml import etree

from chinhquyen.exchange.edxml import conf
from chinhquyen.exchange.edxml import errors as e
from chinhquyen.exchange.edxml.model import DS_NS, SignatureInfo

_QCVN_CODE = re.compile(r"\b\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}\b")


@dataclass
class OrganisationKey:
    """An unlocked organisation key: the private key and its certificates (signer first)."""

    organisation: object
    private_key: object
    certificates_pem: list[str]
    signing_key_id: int | None = None


def unlock_organisation_key(organisation) -> OrganisationKey:
    """The organisation's active signing key, its certificate checked (expiry, trust, revocation).

    Refused with ``edxml_no_signing_key`` / ``edxml_key_unavailable`` (bilingual) otherwise.
    """
    from cryptography.hazmat.primitives.serialization import pkcs12

    from chinhquyen.signing import crypto, services
    from chinhquyen.signing.choices import KeyStorage, SignatureRole
    from chinhquyen.signing.errors import NoSigningKeyError, SigningError

    try:
        key = services.resolve_signing_key(organisation, SignatureRole.ORGANISATION)
    except NoSigningKeyError as exc:
        raise e.ExchangeError(exc.message, code=e.NO_SIGNING_KEY, status=409) from exc
    if key.storage != KeyStorage.PKCS12:
        raise e.ExchangeError(
            _(
                "The signing key of %(name)s is on a PKCS#11 token; edXML packages can be signed "
                "only with a software (PKCS#12) organisation key for now."
            ),
            code=e.KEY_UNAVAILABLE,
            status=409,
            name=str(organisation),
        )
    cert = asn1_x509.Certificate.load(bytes(key.certificate))
    chain = crypto.load_certificates(key.chain_pem.encode()) if key.chain_pem else []
    try:
        services.check_signer_certificate(
            cert, chain, services.validation_context(other_certs=chain)
        )
        data = crypto.unseal(key.pkcs12_sealed)
        passphrase = crypto.unseal(key.passphrase_sealed)
    except SigningError as exc:
        raise e.ExchangeError(exc.message, code=e.KEY_UNAVAILABLE, status=409) from exc
    try:
        private_key, _cert, _extra = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError as exc:
        raise e.ExchangeError(
            _("The stored PKCS#12 key of %(name)s cannot be opened."),
            code=e.KEY_UNAVAILABLE,
            status=409,
            name=str(organisation),
        ) from exc
    pems = [pem.armor("CERTIFICATE", c.dump()).decode() for c in [cert, *chain]]
    return OrganisationKey(organisation, private_key, pems, key.pk)


def sign_tree(root: etree._Element, key: OrganisationKey) -> bytes:
    """Sign ``root`` in place of its ``ds:Signature Id="placeholder"``; the package bytes."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from signxml import XMLSigner
    from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod

    method = (
        SignatureMethod.ECDSA_SHA256
        if isinstance(key.private_key, ec.EllipticCurvePrivateKey)
        else SignatureMethod.RSA_SHA256
    )
    signer = XMLSigner(
        signature_algorithm=method,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.CANONICAL_XML_1_1,
    )
    signed = signer.sign(root, key=key.private_key, cert=key.certificates_pem)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def _certificates_in(signature: etree._Element) -> list[asn1_x509.Certificate]:
    import base64

    certs = []
    for node in signature.iterfind(f".//{{{DS_NS}}}X509Certificate"):
        try:
            der = base64.b64decode("".join((node.text or "").split()), validate=True)
            cert = asn1_x509.Certificate.load(der)
            cert.native  # noqa: B018 (parse it all now: garbage raises here)
        except (ValueError, TypeError) as exc:
            raise e.SignatureRefused(
                _("The certificate in the signature cannot be read."), code=e.SIGNATURE_INVALID
            ) from exc
        certs.append(cert)
    return certs


def verify_tree(
    root: etree._Element,
) -> tuple[etree._Element, asn1_x509.Certificate, list[asn1_x509.Certificate]]:
    """Check the enveloped signature; (the signed tree, signer certificate, other certificates)."""
    from signxml import XMLVerifier
    from signxml.algorithms import DigestAlgorithm, SignatureMethod
    from signxml.exceptions import InvalidInput, InvalidSignature
    from signxml.verifier import SignatureConfiguration

    signatures = root.findall(f".//{{{DS_NS}}}Signature")
    if not signatures:
        raise e.SignatureRefused(
            _("The package carries no XML signature of the sending organisation."),
            code=e.SIGNATURE_MISSING,
        )
    if len(signatures) > 1:
        raise e.SignatureRefused(
            _("The package carries more than one XML signature."), code=e.SIGNATURE_INVALID
        )
    certs = _certificates_in(signatures[0])
    if not certs:
        raise e.SignatureRefused(
            _("The XML signature carries no X.509 certificate."), code=e.SIGNATURE_MISSING
        )
    signer_cert, others = certs[0], certs[1:]
    config = SignatureConfiguration(
        expect_references=1,
        signature_methods=frozenset(
            {
                SignatureMethod.RSA_SHA256,
                SignatureMethod.RSA_SHA384,
                SignatureMethod.RSA_SHA512,
                SignatureMethod.ECDSA_SHA256,
                SignatureMethod.ECDSA_SHA384,
                SignatureMethod.ECDSA_SHA512,
            }
        ),
        digest_algorithms=frozenset(
            {DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512}
        ),
    )
    try:
        result = XMLVerifier().verify(
            root,
            x509_cert=pem.armor("CERTIFICATE", signer_cert.dump()).decode(),
            expect_config=config,
            ignore_ambiguous_key_info=True,
        )
    except (InvalidSignature, InvalidInput, ValueError) as exc:
        raise e.SignatureRefused(
            _(
                "The XML signature does not verify: the package was changed after signing "
                "or was not signed with this certificate."
            ),
            code=e.SIGNATURE_INVALID,
        ) from exc
    signed = result.signed_xml
    # Reference URI="" with the enveloped transform: what was signed is the whole document.
    if signed is None or signed.tag != root.tag:
        raise e.SignatureRefused(
            _("The XML signature does not cover the whole package."), code=e.SIGNATURE_INVALID
        )
    return signed, signer_cert, others


def _validate_chain(cert: asn1_x509.Certificate, others: list[asn1_x509.Certificate]) -> None:
    from pyhanko.sign._session_scope import run_and_release
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import (
        ExpiredError,
        NotYetValidError,
        PathBuildingError,
        PathValidationError,
        RevokedError,
    )

    from chinhquyen.signing import crypto
    from chinhquyen.signing.services import trust_roots

    name = crypto.common_name(cert)
    roots = trust_roots()
    if not roots:
        raise e.SignatureRefused(
            _("The trust list is empty: the certificate of %(name)s cannot be trusted."),
            code=e.CERTIFICATE_UNTRUSTED,
            name=name,
        )
    vc = ValidationContext(
        trust_roots=roots,
        other_certs=others,
        allow_fetching=conf.check_revocation(),
        revocation_mode="soft-fail",
    )
    validator = CertificateValidator(cert, intermediate_certs=others, validation_context=vc)
    try:
        asyncio.run(run_and_release(validator.async_validate_usage({"digital_signature"}), vc))
    except RevokedError as exc:
        raise e.SignatureRefused(
            _("The certificate of %(name)s that signed the package has been revoked."),
            code=e.CERTIFICATE_REVOKED,
            name=name,
        ) from exc
    except (ExpiredError, NotYetValidError) as exc:
        raise e.SignatureRefused(
            _("The certificate of %(name)s that signed the package is not valid now."),
            code=e.CERTIFICATE_EXPIRED,
            name=name,
        ) from exc
    except (PathBuildingError, PathValidationError) as exc:
        raise e.SignatureRefused(
            _(
                "The certificate of %(name)s that signed the package is not issued by a "
                "trusted authority (see the trust list)."
            ),
            code=e.CERTIFICATE_UNTRUSTED,
            name=name,
        ) from exc


def _registered_organisation_code(fingerprint: str, der: bytes) -> str | None:
    """QCVN 102 code of the organisation this certificate is registered for on this platform."""
    from chinhquyen.signing.models import Certificate, SigningKey

    row = (
        Certificate.objects.filter(fingerprint_sha256=fingerprint)
        .select_related("organisation")
        .first()
    )
    if row is not None and row.organisation.qcvn_code:
        return row.organisation.qcvn_code
    from chinhquyen.signing.crypto import serial_hex

    keys = SigningKey.objects.filter(
        organisation__isnull=False, serial_number=serial_hex(asn1_x509.Certificate.load(der))
    ).select_related("organisation")
    for key in keys:
        if bytes(key.certificate) == der and key.organisation.qcvn_code:
            return key.organisation.qcvn_code
    return None


def check_certificate(
    cert: asn1_x509.Certificate, others: list[asn1_x509.Certificate], *, organ_id: str
) -> SignatureInfo:
    """Trust chain, then: is this certificate the one of ``organ_id`` (From/OrganId)?"""
    from chinhquyen.signing import crypto

    _validate_chain(cert, others)
    der = cert.dump()
    fingerprint = hashlib.sha256(der).hexdigest()
    subject_text = " ".join(str(value) for value in cert.subject.native.values())
    codes = set(_QCVN_CODE.findall(subject_text))
    registered = None if codes else _registered_organisation_code(fingerprint, der)
    known = codes or ({registered} if registered else set())
    if known and organ_id not in known:
        raise e.SignatureRefused(
            _(
                "The package says it comes from %(organ_id)s but is signed with the "
                "certificate of %(other)s."
            ),
            code=e.ORGANISATION_MISMATCH,
            organ_id=organ_id,
            other=", ".join(sorted(known)),
        )
    if not known and conf.require_organisation_match():
        raise e.SignatureRefused(
            _("The certificate that signed the package cannot be tied to %(organ_id)s."),
            code=e.ORGANISATION_MISMATCH,
            organ_id=organ_id,
        )
    return SignatureInfo(
        subject=crypto.name_text(cert.subject),
        issuer=crypto.name_text(cert.issuer),
        serial=crypto.serial_hex(cert),
        sha256=fingerprint,
        organisation_check="confirmed" if known else "unknown",
        certificate_der=der,
    )
