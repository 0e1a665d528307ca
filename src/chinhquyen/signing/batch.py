"""Signing many PDFs with one key unlock: a signing session, and batch signing on top of it.

* :func:`signing_session` — resolves and authorises the key once, checks its certificate once
  (dates, chain, revocation), unseals and parses a PKCS#12 key once or opens one PKCS#11
  session (one PIN entry), and builds the validation context and the TSA client once. Each
  ``session.sign(pdf)`` then costs what pyHanko costs, plus the placement and the audit entry.
  :func:`chinhquyen.signing.services.sign_pdf` is a session of one document.
* :func:`sign_batch` — signs many documents in one action. A problem with the key (wrong PIN,
  revoked certificate, no permission) refuses the whole batch before anything is signed; a
  problem with one document (not a PDF, tampered, its store callback failed) fails that item
  only, with its reason, and never touches the others.

Every signature is audited as ``signing.sign_pdf`` exactly like a single one (who, what,
certificate, SHA-256 before and after); the caller's ``store`` callback runs in the same
transaction as that audit entry, so a signature is recorded if and only if it was stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import log_action
from chinhquyen.signing import crypto, placement
from chinhquyen.signing.appearance import Appearance, placement_for, stamp_style
from chinhquyen.signing.choices import SignatureRole
from chinhquyen.signing.errors import SigningError, bilingual

logger = logging.getLogger(__name__)

__all__ = [
    "BatchItem",
    "BatchResult",
    "ItemOutcome",
    "SigningSession",
    "sign_batch",
    "signing_session",
]


# --- what is kept between calls (per process) ---------------------------------------------
#
# ``sign_pdf`` is called once per document by most callers. Two costs would then be paid on
# every call although their answer rarely changes: the revocation check over the network
# (OCSP/CRL) and unsealing + parsing the PKCS#12 key. Both are remembered for
# ``SIGNING_SESSION_CACHE_SECONDS`` (default 300; 0 turns it off):
# * a certificate that passed the full check (dates, chain, revocation) is, within that time,
#   checked again on every call for dates and chain to the *current* trust list, but without
#   fetching revocation data (a revocation is then seen at most that many seconds late, as with
#   any OCSP response cache);
# * an unlocked PKCS#12 key, keyed by the row, its sealed bytes and the sealing secret, so a
#   re-imported key or a changed secret is never served from memory. The process can unseal the
#   stored keys at any time anyway; keeping one in memory a few minutes does not widen that.
# PKCS#11 sessions are never kept: the PIN is asked for each action.

_lock = threading.Lock()
_checked: dict[tuple, float] = {}  # certificate digest -> monotonic expiry
_unlocked: dict[tuple, tuple[object, float]] = {}  # key identity -> (signer, monotonic expiry)
_MAX_UNLOCKED = 32


def _cache_seconds() -> float:
    return float(getattr(settings, "SIGNING_SESSION_CACHE_SECONDS", 300))


def clear_caches() -> None:
    """Forget remembered certificate checks and unlocked keys (tests, key rotation)."""
    with _lock:
        _checked.clear()
        _unlocked.clear()


def _check_certificate(cert, chain) -> None:
    from chinhquyen.signing import services

    ttl = _cache_seconds()
    digest = (hashlib.sha256(cert.dump()).hexdigest(),)
    now = time.monotonic()
    fresh = ttl > 0 and _checked.get(digest, 0) > now
    vc = services.validation_context(other_certs=chain, fetching=not fresh)
    services.check_signer_certificate(cert, chain, vc)
    if ttl > 0 and not fresh:
        with _lock:
            _checked[digest] = now + ttl


def _unlocked_pkcs12(key, cert, chain):
    """The remembered unlocked PKCS#12 signer of ``key`` (unlocking it on a miss), or None
    for PKCS#11 keys or when the cache is off."""
    from chinhquyen.signing import services
    from chinhquyen.signing.choices import KeyStorage

    ttl = _cache_seconds()
    if key.storage != KeyStorage.PKCS12 or ttl <= 0:
        return None
    secret = getattr(settings, "SIGNING_KEY_ENCRYPTION_KEY", "") or settings.SECRET_KEY
    identity = (
        key.pk,
        hashlib.sha256(bytes(key.pkcs12_sealed or b"")).hexdigest(),
        hashlib.sha256(bytes(key.passphrase_sealed or b"")).hexdigest(),
        hashlib.sha256(str(secret).encode()).hexdigest(),
    )
    now = time.monotonic()
    found = _unlocked.get(identity)
    if found is not None and found[1] > now:
        return found[0]
    with services._open_signer(key, cert, chain, pin=None) as signer:
        pass  # a PKCS#12 signer holds no session: nothing to close
    with _lock:
        if len(_unlocked) >= _MAX_UNLOCKED:
            _unlocked.clear()
        _unlocked[identity] = (signer, now + ttl)
    return signer


class SigningSession:
    """One key, unlocked once, signing any number of PDFs (use :func:`signing_session`)."""

    def __init__(self, key, *, role: str, pin: str | None, acting_user) -> None:
        self.key = key
        self.role = SignatureRole(role)
        self.pin = pin
        self.acting_user = acting_user
        self.count = 0
        self._stack = contextlib.ExitStack()
        self._hanko_signer = None
        self._cert = None
        self._chain: list = []
        self._vc = None
        self._tsa_url = getattr(settings, "SIGNING_TSA_URL", "")
        self._timestamper = None

    # -- unlock (once) ------------------------------------------------------------------

    def open(self) -> SigningSession:
        """Check the certificate and unlock the key (idempotent). Raises SigningError."""
        if self._hanko_signer is not None:
            return self
        from pyhanko.sign import timestamps

        from chinhquyen.signing import services

        cert, chain = services._key_certificates(self.key)
        _check_certificate(cert, chain)
        self._hanko_signer = _unlocked_pkcs12(self.key, cert, chain) or self._stack.enter_context(
            services._open_signer(self.key, cert, chain, pin=self.pin)
        )
        vc = services.validation_context(other_certs=chain) if self._tsa_url else None
        self._cert, self._chain, self._vc = cert, chain, vc
        if self._tsa_url:
            self._timestamper = timestamps.HTTPTimeStamper(self._tsa_url, timeout=10)
        return self

    def close(self) -> None:
        self._stack.close()
        self._hanko_signer = None

    # -- one document --------------------------------------------------------------------

    def sign(
        self,
        pdf: bytes,
        *,
        appearance: Appearance | None = None,
        store: Callable[[bytes], object] | None = None,
        details: dict | None = None,
    ) -> bytes:
        """Sign ``pdf`` and return the new bytes (incremental update), audited.

        ``store(signed)`` (optional) runs inside the audit entry's transaction: if it raises,
        neither the signature's audit entry nor anything the callback wrote is kept.
        ``details`` are added to the audit entry (e.g. the dossier code).
        """
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers, timestamps
        from pyhanko.sign.general import SigningError as HankoSigningError

        from chinhquyen.signing import services
        from chinhquyen.signing.verification import open_pdf

        appearance = appearance or Appearance()
        if (
            appearance.image is None
            and self.role == SignatureRole.PERSONAL
            and self.key.appearance_image
        ):
            # The person's handwritten-signature image goes with every personal signature; an
            # organisation's seal only where the caller asks (the main document, not an
            # attachment, which gets the text stamp: Appendix I §II).
            appearance = replace(appearance, image=bytes(self.key.appearance_image))
        reader = open_pdf(pdf)
        services._refuse_tampered(reader)
        self.open()
        key, role = self.key, self.role
        signer_name = crypto.common_name(self._cert)
        moment = timezone.now()
        page_count, page_size = services._page_info(reader)
        field_spec = None
        where = None
        if appearance.visible:
            where = placement.locate(
                pdf,
                reader,
                appearance,
                role=role,
                signer_name=self._anchor_name(signer_name) if appearance.box is None else "",
                page_count=page_count,
            )
            placed = replace(appearance, page=where.page, box=where.box) if where else appearance
            resolved = placement_for(
                placed,
                role=role,
                signer_name=signer_name,
                organisation_name=str(key.organisation) if key.organisation_id else "",
                moment=moment,
                page_count=page_count,
                page_size=page_size,
            )
            style = stamp_style(resolved)
            if where is not None and where.field_name:
                field_name = where.field_name
            else:
                field_name = services._next_field_name(reader, role)
                field_spec = fields.SigFieldSpec(
                    field_name, on_page=resolved.page, box=resolved.box
                )
        else:
            field_name = services._next_field_name(reader, role)
            field_spec = fields.SigFieldSpec(field_name)
            style = None
        meta = signers.PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            name=signer_name,
            embed_validation_info=bool(self._tsa_url),
            validation_context=self._vc if self._tsa_url else None,
        )
        pdf_signer = signers.PdfSigner(
            meta,
            signer=self._hanko_signer,
            timestamper=self._timestamper,
            stamp_style=style,
            new_field_spec=field_spec,
        )
        writer = IncrementalPdfFileWriter.from_reader(reader)  # the PDF is parsed only once
        try:
            signed = pdf_signer.sign_pdf(writer).getvalue()
        except (HankoSigningError, timestamps.TimestampRequestError) as exc:
            raise SigningError(
                _("The signature could not be made (%(reason)s): nothing was signed."),
                reason=str(exc),
            ) from exc
        except Exception as exc:
            services._raise_token_error(exc)
            raise
        with transaction.atomic():
            log_action(
                "signing.sign_pdf",
                target=key,
                actor=self.acting_user,
                details={
                    "role": role.value,
                    "field": field_name,
                    "placement": where.source if where else ("default" if style else "invisible"),
                    "certificate_serial": key.serial_number,
                    "certificate_issuer": key.issuer,
                    "certificate_subject": key.subject,
                    "storage": key.storage,
                    "level": "B-LT" if self._tsa_url else "B-B",
                    "sha256_before": hashlib.sha256(pdf).hexdigest(),
                    "sha256_after": hashlib.sha256(signed).hexdigest(),
                    **(details or {}),
                },
            )
            if store is not None:
                store(signed)
        self.count += 1
        return signed

    def _anchor_name(self, certificate_name: str) -> str:
        """The name printed in the signer block: the official's full name, else the cert's."""
        user = self.key.user if self.key.user_id else None
        return (getattr(user, "full_name", "") or certificate_name) if user else certificate_name


@contextlib.contextmanager
def signing_session(
    *, signer, role: str, pin: str | None = None, acting_user=None, eager: bool = False
) -> Iterator[SigningSession]:
    """A :class:`SigningSession` for ``signer`` in ``role`` (see ``services.sign_pdf``).

    The key is resolved and the permission checked at once; the certificate check and the
    unlock happen at ``eager=True`` or on the first ``sign``. The PKCS#11 session is closed and
    the unsealed PKCS#12 key dropped when the block ends.
    """
    from chinhquyen.signing import services

    role = SignatureRole(role)
    key = services.resolve_signing_key(signer, role)
    services._check_may_sign(key, acting_user)
    session = SigningSession(key, role=role, pin=pin, acting_user=acting_user)
    try:
        if eager:
            session.open()
        yield session
    finally:
        session.close()


# --- batches -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchItem:
    """One document of a batch. ``ref``: the caller's identifier (e.g. a dossier code)."""

    ref: str
    pdf: bytes | Callable[[], bytes]  # the bytes, or a function reading them (lazily)
    appearance: Appearance | None = None
    store: Callable[[bytes], object] | None = None  # saves the signed bytes (in the audit txn)
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ItemOutcome:
    ref: str
    ok: bool
    signed: bytes | None = None
    error: str = ""  # bilingual message when not ok
    code: str = ""  # SigningError code, or "unexpected"


@dataclass
class BatchResult:
    outcomes: list[ItemOutcome] = field(default_factory=list)

    @property
    def signed(self) -> list[ItemOutcome]:
        return [outcome for outcome in self.outcomes if outcome.ok]

    @property
    def failed(self) -> list[ItemOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.ok]

    def as_dict(self) -> dict:
        return {
            "signed": [outcome.ref for outcome in self.signed],
            "failed": [
                {"ref": outcome.ref, "code": outcome.code, "error": outcome.error}
                for outcome in self.failed
            ],
        }


def _failure(ref: str, exc: Exception) -> ItemOutcome:
    """An item's failure: the exception's own (bilingual) message when it has one, e.g. a
    refusal of the caller's ``store``; otherwise its type, with the trace in the log."""
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        return ItemOutcome(ref, ok=False, error=message, code=str(getattr(exc, "code", "")))
    logger.exception("batch signing: item %s failed", ref)
    error = bilingual(
        _("This document could not be signed (%(reason)s)."), reason=type(exc).__name__
    )
    return ItemOutcome(ref, ok=False, error=error, code="unexpected")


def sign_batch(
    items: Iterable[BatchItem | tuple[str, bytes]],
    *,
    signer,
    role: str,
    appearance: Appearance | None = None,
    pin: str | None = None,
    acting_user=None,
    keep_bytes: bool = True,
) -> BatchResult:
    """Sign every item with one unlock of ``signer``'s key; returns each item's outcome.

    Raises :class:`SigningError` (nothing signed) when the key itself cannot be used: no key,
    not allowed, certificate refused, wrong PIN, token absent. Otherwise each item is signed
    on its own: a failing item is reported (``BatchResult.failed``, bilingual ``error``) and
    the others go on. ``appearance`` is the default for items without their own.
    ``keep_bytes=False`` drops the signed bytes from the outcomes (when ``store`` saved them).
    Audited per signature (``signing.sign_pdf``) and once as ``signing.sign_batch``.
    """
    result = BatchResult()
    with signing_session(
        signer=signer, role=role, pin=pin, acting_user=acting_user, eager=True
    ) as session:
        for raw in items:
            item = raw if isinstance(raw, BatchItem) else BatchItem(ref=str(raw[0]), pdf=raw[1])
            try:
                pdf = item.pdf() if callable(item.pdf) else item.pdf
                signed = session.sign(
                    pdf,
                    appearance=item.appearance or appearance,
                    store=item.store,
                    details={"batch_ref": item.ref, **item.details},
                )
            except SigningError as exc:
                result.outcomes.append(
                    ItemOutcome(item.ref, ok=False, error=exc.message, code=exc.code)
                )
            except Exception as exc:  # one item never stops the batch
                result.outcomes.append(_failure(item.ref, exc))
            else:
                result.outcomes.append(
                    ItemOutcome(item.ref, ok=True, signed=signed if keep_bytes else None)
                )
        key = session.key
    with transaction.atomic():
        log_action(
            "signing.sign_batch",
            target=key,
            actor=acting_user,
            details={
                "role": str(role),
                "certificate_serial": key.serial_number,
                "count": len(result.outcomes),
                "signed": len(result.signed),
                "failed": [outcome.ref for outcome in result.failed],
            },
        )
    return result
