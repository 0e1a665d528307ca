"""The leader's digital signature on result PDFs, many in one action (issue 6 §1).

A dossier's result is ``Dossier.result_file`` (stored when the last step approves or forwards);
a **PDF result awaits signature** while ``result_signed_at`` is empty and the dossier is
``result_ready``. :func:`sign_results` signs a selection of them with the leader's personal key
unlocked once (``signing.batch.sign_batch``): each signed PDF replaces the stored result in the
same transaction as its audit entries; a dossier that fails (not a PDF, tampered, signed by
someone else meanwhile) is reported and left exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import log_action
from chinhquyen.dossiers.choices import DossierStatus, EventType
from chinhquyen.dossiers.exceptions import InvalidTransition
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.dossiers.services.common import add_event, files_removed_on_error, save_file
from chinhquyen.insights.aggregates import result_signed as insights_result_signed

SIGN_PERMISSION = "dossiers.decide_dossier"


def results_awaiting_signature(user):
    """Dossiers in ``user``'s scope (decide permission) whose PDF result awaits signature."""
    return (
        Dossier.objects.restrict(user, "decide")
        .filter(status=DossierStatus.RESULT_READY, result_signed_at__isnull=True)
        .exclude(result_file="")
        .filter(result_file__iendswith=".pdf")
        .select_related("procedure_version", "receiving_agency")
        .order_by("result_ready_at", "pk")
    )


@dataclass
class ResultSigning:
    """What :func:`sign_results` did: codes signed, and failures with their reasons."""

    signed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (code, bilingual reason)


class NotAwaitingSignature(InvalidTransition):
    code = "result_not_awaiting_signature"


def _signed_name(name: str) -> str:
    stem = PurePosixPath(name).stem
    return f"{stem.removesuffix('-da-ky')}-da-ky.pdf"


def _store(dossier_pk: int, *, acting_user):
    """The ``store`` callback of one dossier: runs inside its signature's audit transaction.

    The signed PDF is a new file (the unsigned one, a prefix of it, is deleted after commit);
    if anything fails, the new file is removed and the dossier keeps its unsigned result.
    """

    def store(signed: bytes) -> None:
        with files_removed_on_error() as saved:
            _replace_result(dossier_pk, signed, acting_user=acting_user, saved=saved)

    return store


def _replace_result(dossier_pk: int, signed: bytes, *, acting_user, saved: list) -> None:
    locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier_pk)
    if locked.result_signed_at is not None or locked.status != DossierStatus.RESULT_READY:
        raise NotAwaitingSignature(
            bilingual(_("The result of %(code)s no longer awaits signature."), code=locked.code)
        )
    before = locked.result_file.name
    save_file(locked.result_file, _signed_name(before), signed, saved)
    locked.result_signed_at = timezone.now()
    locked.result_signed_by = acting_user
    locked.version += 1
    locked.save(update_fields=["result_file", "result_signed_at", "result_signed_by", "version"])
    insights_result_signed(locked)  # IOC counters, same transaction
    add_event(
        locked,
        EventType.RESULT_SIGNED,
        at=locked.result_signed_at,
        acting_user=acting_user,
        data={"file": locked.result_file.name},
    )
    log_action(
        "dossiers.sign_result",
        target=locked,
        actor=acting_user,
        before={"result_file": before},
        after={"result_file": locked.result_file.name, "version": locked.version},
    )
    storage = locked.result_file.storage
    transaction.on_commit(lambda: storage.delete(before))


def sign_results(dossier_ids, *, acting_user, pin: str | None = None) -> ResultSigning:
    """Sign the result PDFs of ``dossier_ids`` with ``acting_user``'s personal key, once unlocked.

    Raises ``PermissionDenied`` when the user may not decide dossiers anywhere, and
    ``chinhquyen.signing.errors.SigningError`` (nothing signed) when their key cannot be used
    (no key, certificate refused, wrong PIN). Otherwise returns per-dossier outcomes: a dossier
    outside the user's scope, already signed or not ready fails with a reason, and so does one
    whose file is not a valid PDF; the others are signed. Each signed dossier is audited as
    ``signing.sign_pdf`` and ``dossiers.sign_result`` in one transaction.
    """
    from chinhquyen.signing.batch import BatchItem, sign_batch
    from chinhquyen.signing.choices import SignatureRole

    if not acting_user.has_perm(SIGN_PERMISSION):
        raise PermissionDenied
    wanted = list(dict.fromkeys(int(pk) for pk in dossier_ids))
    awaiting = {d.pk: d for d in results_awaiting_signature(acting_user).filter(pk__in=wanted)}
    visible = dict(
        Dossier.objects.restrict(acting_user, "view")
        .filter(pk__in=[pk for pk in wanted if pk not in awaiting])
        .values_list("pk", "code")
    )
    outcome = ResultSigning()
    for pk in wanted:
        if pk in awaiting:
            continue
        reason = (
            bilingual(_("The result of %(code)s does not await signature."), code=visible[pk])
            if pk in visible
            else bilingual(_("Dossier %(pk)s was not found."), pk=pk)
        )
        outcome.failed.append((visible.get(pk, str(pk)), reason))
    if not awaiting:
        return outcome

    def reader(dossier):
        def read() -> bytes:
            with dossier.result_file.open("rb") as handle:
                return handle.read()

        return read

    items = []
    for dossier in awaiting.values():
        items.append(
            BatchItem(
                ref=dossier.code,
                pdf=reader(dossier),
                store=_store(dossier.pk, acting_user=acting_user),
                details={"dossier": dossier.code},
            )
        )
    result = sign_batch(
        items,
        signer=acting_user,
        role=SignatureRole.PERSONAL,
        pin=pin,
        acting_user=acting_user,
        keep_bytes=False,
    )
    for item in result.outcomes:
        if item.ok:
            outcome.signed.append(item.ref)
        else:
            outcome.failed.append((item.ref, item.error))
    return outcome
