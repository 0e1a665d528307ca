"""Verifying every signature of a PDF: :func:`verify_pdf` → :class:`VerificationReport`.

Per signature: signer and certificate, integrity (the signed bytes are unchanged), validity of
the cryptographic signature, chain to the trust list (``TrustAnchor``), revocation (OCSP/CRL,
from the document's DSS or fetched; soft-fail when a responder is unreachable), the signature
timestamp, and what changed in the file after signing (pyHanko's difference analysis against the
DocMDP rules). ``summary("vi")`` / ``summary("en")`` gives a readable report.
"""

import datetime
import hashlib
from dataclasses import asdict, dataclass, field
from io import BytesIO

from django.utils.translation import gettext, gettext_noop, override
from django.utils.translation import gettext_lazy as _

from chinhquyen.signing import crypto
from chinhquyen.signing.appearance import signing_time_text
from chinhquyen.signing.errors import NotAPdfError, SigningError

# ModificationLevel values (pyhanko.sign.diff_analysis): NONE 0, LTA_UPDATES 1, FORM_FILLING 2,
# ANNOTATIONS 3, OTHER 4.
_MODIFICATION_TEXT = {
    "NONE": gettext_noop("none"),
    "LTA_UPDATES": gettext_noop("validation data and timestamps added (allowed)"),
    "FORM_FILLING": gettext_noop("form filling or further signatures (allowed)"),
    "ANNOTATIONS": gettext_noop("annotations added"),
    "OTHER": gettext_noop("content changed"),
}


@dataclass
class SignatureReport:
    field_name: str
    signer: str
    certificate_subject: str
    certificate_issuer: str
    certificate_serial: str
    certificate_valid_until: datetime.datetime | None
    signing_time: datetime.datetime | None
    intact: bool  # the signed byte ranges hash to the signed digest
    valid: bool  # the cryptographic signature is correct
    trusted: bool  # chains to an active trust anchor
    revoked: bool
    timestamp_time: datetime.datetime | None = None
    timestamp_valid: bool | None = None
    level: str = "B-B"
    covers_whole_file: bool = False
    modification: str = "NONE"
    modifications_allowed: bool = True
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        timestamp_ok = self.timestamp_valid is not False
        return (
            self.intact
            and self.valid
            and self.trusted
            and not self.revoked
            and self.modifications_allowed
            and timestamp_ok
        )

    def summary_lines(self) -> list[str]:
        yes, no = gettext("yes"), gettext("no")
        lines = [
            gettext("Signature %(field)s: %(verdict)s")
            % {
                "field": self.field_name,
                "verdict": gettext("VALID") if self.ok else gettext("INVALID"),
            },
            "  " + gettext("Signer: %(name)s") % {"name": self.signer},
            "  "
            + gettext("Certificate: serial %(serial)s, issued by %(issuer)s")
            % {"serial": self.certificate_serial, "issuer": self.certificate_issuer},
            "  " + gettext("Integrity intact: %(v)s") % {"v": yes if self.intact else no},
            "  " + gettext("Signature valid: %(v)s") % {"v": yes if self.valid else no},
            "  " + gettext("Trusted chain: %(v)s") % {"v": yes if self.trusted else no},
            "  " + gettext("Revoked: %(v)s") % {"v": yes if self.revoked else no},
            "  " + gettext("PAdES level: %(level)s") % {"level": self.level},
        ]
        if self.signing_time:
            lines.append(
                "  "
                + gettext("Signing time (claimed): %(time)s")
                % {"time": signing_time_text(self.signing_time)}
            )
        if self.timestamp_time:
            lines.append(
                "  "
                + gettext("Timestamp: %(time)s, valid: %(v)s")
                % {
                    "time": signing_time_text(self.timestamp_time),
                    "v": yes if self.timestamp_valid else no,
                }
            )
        lines.append(
            "  "
            + gettext("Changes after signing: %(what)s")
            % {"what": gettext(_MODIFICATION_TEXT.get(self.modification, self.modification))}
        )
        lines.extend("  ! " + problem for problem in self.problems)
        return lines


@dataclass
class VerificationReport:
    sha256: str
    signatures: list[SignatureReport]

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def all_valid(self) -> bool:
        """True when there is at least one signature and every one is valid."""
        return self.signed and all(sig.ok for sig in self.signatures)

    def summary(self, language: str = "vi") -> str:
        with override(language):
            if not self.signatures:
                return gettext("The document has no signature.")
            lines = [
                gettext("%(count)s signature(s); document SHA-256 %(sha)s")
                % {"count": len(self.signatures), "sha": self.sha256}
            ]
            for sig in self.signatures:
                lines.extend(sig.summary_lines())
            lines.append(
                gettext("Result: every signature is valid.")
                if self.all_valid
                else gettext("Result: at least one signature is NOT valid.")
            )
            return "\n".join(lines)

    def as_dict(self) -> dict:
        return asdict(self) | {"all_valid": self.all_valid}


def open_pdf(pdf: bytes):
    """A pyHanko reader for ``pdf``, or :class:`NotAPdfError` with a clear message."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    if not isinstance(pdf, bytes | bytearray) or b"%PDF-" not in bytes(pdf[:1024]):
        raise NotAPdfError(_("The file is not a PDF document."))
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        reader.root["/Pages"]  # noqa: B018 (forces the document catalogue to be read)
    except (PdfError, KeyError, ValueError, TypeError, IndexError) as exc:
        raise NotAPdfError(_("The PDF document is damaged and cannot be read.")) from exc
    if reader.encrypted:
        raise NotAPdfError(_("Encrypted PDF documents cannot be signed or verified here."))
    return reader


def _validation_context(reader):
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError

    from chinhquyen.signing.services import trust_roots

    kwargs = {
        "trust_roots": trust_roots(),
        "allow_fetching": True,
        "revocation_mode": "soft-fail",
    }
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        from pyhanko_certvalidator import ValidationContext

        return ValidationContext(**kwargs), False
    return dss.as_validation_context(kwargs), True


def integrity_problems(reader) -> list[str]:
    """Broken signatures or forbidden changes after a signature (no trust or revocation check)."""
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    problems = []
    for sig in reader.embedded_signatures:
        status = validate_pdf_signature(
            sig, signer_validation_context=ValidationContext(trust_roots=[], allow_fetching=False)
        )
        if not (status.intact and status.valid):
            problems.append(f"{sig.field_name}: signature broken")
        elif status.docmdp_ok is False or _coverage_short(status):
            problems.append(f"{sig.field_name}: forbidden changes")
    return problems


def _coverage_short(status) -> bool:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    return status.coverage is None or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION


def verify_pdf(pdf: bytes) -> VerificationReport:
    """Verify every signature in ``pdf`` (see the module docstring). Raises NotAPdfError."""
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    reader = open_pdf(pdf)
    vc, has_dss = _validation_context(reader)
    reports = []
    for sig in reader.embedded_signatures:
        try:
            status = validate_pdf_signature(sig, signer_validation_context=vc)
        except (ValueError, KeyError, TypeError) as exc:
            raise SigningError(
                _("The signature %(field)s cannot be read: %(reason)s"),
                field=sig.field_name,
                reason=str(exc),
            ) from exc
        cert = status.signing_cert
        ts = status.timestamp_validity
        level = "B-B"
        if ts is not None:
            level = "B-LT" if has_dss else "B-T"
        modification = status.modification_level or ModificationLevel.NONE
        modifications_allowed = (
            status.docmdp_ok is not False
            and status.coverage is not None
            and status.coverage >= SignatureCoverageLevel.ENTIRE_REVISION
            and modification <= ModificationLevel.FORM_FILLING
        )
        report = SignatureReport(
            field_name=sig.field_name,
            signer=crypto.common_name(cert),
            certificate_subject=crypto.name_text(cert.subject),
            certificate_issuer=crypto.name_text(cert.issuer),
            certificate_serial=crypto.serial_hex(cert),
            certificate_valid_until=cert.not_valid_after,
            signing_time=status.signer_reported_dt,
            intact=bool(status.intact),
            valid=bool(status.valid),
            trusted=bool(status.trusted),
            revoked=bool(status.revoked),
            timestamp_time=ts.timestamp if ts else None,
            timestamp_valid=bool(ts.intact and ts.valid and ts.trusted) if ts else None,
            level=level,
            covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            modification=modification.name,
            modifications_allowed=modifications_allowed,
        )
        report.problems = _problems(report, status)
        reports.append(report)
    return VerificationReport(sha256=hashlib.sha256(pdf).hexdigest(), signatures=reports)


def _problems(report: SignatureReport, status) -> list[str]:
    from chinhquyen.signing.errors import bilingual

    problems = []
    if not report.intact:
        problems.append(bilingual(_("The signed content was altered.")))
    elif not report.valid:
        problems.append(bilingual(_("The cryptographic signature does not match.")))
    if report.revoked:
        problems.append(bilingual(_("The signer's certificate is revoked.")))
    elif not report.trusted:
        problems.append(
            bilingual(
                _("The certificate does not chain to the trust list (%(reason)s)."),
                reason=str(status.trust_problem_indic or "-"),
            )
        )
    if not report.modifications_allowed:
        problems.append(bilingual(_("The document was changed after it was signed.")))
    if report.timestamp_valid is False:
        problems.append(bilingual(_("The signature timestamp is not valid or not trusted.")))
    return problems
