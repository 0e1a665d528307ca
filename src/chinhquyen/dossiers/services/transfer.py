"""Transfer a dossier to an agency of another installation (liên thông giữa hai tỉnh).

The ordinary transfer (``transition(…, "transfer", target_agency=…)``) moves a dossier between
agencies of this platform. An agency of another province runs its own installation: the
dossier goes there as a ``dossier.transfer`` message (``exchange.dossier_transfer``), written to
the outbox in the transaction that marks it transferred, under the SAME code and with its whole
history and files. The other installation answers with one status message per step it takes;
they appear on this dossier's timeline (marked with their origin), and its final answer
(result ready, refused) puts the dossier here back in the one-stop unit's hands to return.

Guards as for a step action: the dossier is in hand at a step whose process allows "transfer"
(``InvalidTransition`` 409), the user holds that step's role at the agency holding it
(``PermissionDenied`` 403), the target is not an agency of this platform and is a configured
exchange peer (``DossierError`` 400).
"""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.dossiers.choices import Action, DossierStatus, EventType
from chinhquyen.dossiers.exceptions import (
    DossierError,
    InvalidTransition,
    PermissionDenied,
    StaleDossier,
)
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services.access import bilingual, holds_role
from chinhquyen.dossiers.services.common import (
    add_event,
    close_run,
    notify_status_change,
    open_run,
)

# TRANSFERRED too: an agency of this platform that got the dossier by an ordinary transfer may
# pass it on; a dossier already sent to another installation has no step here and is refused.
IN_HAND = frozenset(
    {DossierStatus.RECEIVED, DossierStatus.IN_PROCESSING, DossierStatus.TRANSFERRED}
)


def _clean_code(value: str) -> str:
    from chinhquyen.directory.models import Organisation

    code = " ".join((value or "").split())
    if not code or len(code) > 35:
        raise DossierError(
            bilingual(_("Give the QCVN 102 code of the agency in the other province.")),
            code="target_agency_required",
        )
    if Organisation.objects.filter(qcvn_code=code).exists():
        raise DossierError(
            bilingual(
                _("%(code)s is an agency of this platform: use the ordinary transfer."), code=code
            ),
            code="agency_is_local",
        )
    return code


def may_transfer_remote(dossier: Dossier, user) -> bool:
    """Whether the page offers the form (the service checks again)."""
    step = dossier.current_step
    return (
        dossier.status in IN_HAND
        and step is not None
        and holds_role(user, step.performer_role, dossier.current_agency)
    )


def transfer_to_installation(
    dossier: Dossier,
    *,
    agency_code: str,
    agency_name: str = "",
    note: str = "",
    acting_user,
    expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> Dossier:
    """Send ``dossier`` to the agency ``agency_code`` of another installation; returns it."""
    from chinhquyen.exchange import conf, outbox
    from chinhquyen.exchange.dossier_transfer import (
        CONNECTOR,
        CONTENT_TYPE,
        KIND_TRANSFER,
        transfer_body,
    )
    from chinhquyen.procedures.models import ProcessTransition

    code = _clean_code(agency_code)
    agency_name = " ".join((agency_name or "").split())[:255]
    note = (note or "").strip()[:5000]
    peer = conf.peer(code)
    if not peer or not peer.get("url"):
        raise DossierError(
            bilingual(_("No installation is configured for %(code)s (EXCHANGE_PEERS)."), code=code),
            code="no_peer",
        )
    node = str(conf.get("NODE_CODE") or "")
    if not node:
        raise DossierError(
            bilingual(_("This installation has no exchange code (EXCHANGE_NODE_CODE).")),
            code="no_node_code",
        )
    at = at or timezone.now()
    with audited_atomic():
        locked = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("current_step", "current_agency", "receiving_agency", "procedure")
            .get(pk=dossier.pk)
        )
        if expected_version is not None and locked.version != expected_version:
            raise StaleDossier(
                bilingual(_("The dossier was changed by someone else; reload it and try again.")),
                details={"version": locked.version},
            )
        step = locked.current_step
        if locked.status not in IN_HAND or step is None:
            raise InvalidTransition(
                bilingual(
                    _("The dossier cannot be transferred while it is “%(status)s”."),
                    status=locked.get_status_display(),
                ),
                details={"status": locked.status},
            )
        if not ProcessTransition.objects.filter(step=step, action=Action.TRANSFER).exists():
            raise InvalidTransition(
                bilingual(
                    _("The process does not allow “%(action)s” at the step “%(step)s”."),
                    action=Action.TRANSFER.label,
                    step=step.name,
                ),
                code="action_not_in_process",
            )
        if acting_user is not None and not holds_role(
            acting_user, step.performer_role, locked.current_agency
        ):
            raise PermissionDenied
        transfer_id = f"{node}:{locked.code}:{uuid.uuid4().hex[:12]}"
        before = {
            "status": locked.status,
            "step": locked.current_step_id,
            "version": locked.version,
        }
        data = close_run(open_run(locked), at=at, acting_user=acting_user, action=Action.TRANSFER)
        data.update(
            {
                "action": Action.TRANSFER,
                "direction": "out",
                "transfer_id": transfer_id,
                "peer": code,
                "to_agency_code": code,
                "to_agency_name": agency_name,
            }
        )
        add_event(
            locked,
            EventType.TRANSFERRED,
            at=at,
            acting_user=acting_user,
            step=step,
            from_agency=locked.current_agency,
            note=note,
            data=data,
        )
        # Step-less here until the other installation answers: nobody acts on it meanwhile.
        locked.status = DossierStatus.TRANSFERRED
        locked.current_step = None
        locked.assignee = None
        body = transfer_body(
            locked,
            transfer_id=transfer_id,
            agency_code=code,
            agency_name=agency_name,
            note=note,
            at=at,
        )
        message = outbox.enqueue(
            connector=CONNECTOR,
            destination=code,
            kind=KIND_TRANSFER,
            body=body,
            content_type=CONTENT_TYPE,
            idempotency_key=f"{KIND_TRANSFER}:{transfer_id}"[:200],
            related=locked,
        )
        notify_status_change(locked, at=at)
        locked.version += 1
        locked.save()
        log_action(
            "dossiers.transfer_remote",
            target=locked,
            actor=acting_user,
            before=before,
            after={"status": locked.status, "step": None, "version": locked.version},
            details={
                "transfer_id": transfer_id,
                "to": code,
                "outbox": message.pk,
                "body_sha256": message.body_sha256,
            },
        )
    dossier.refresh_from_db()
    return locked


def remote_transfers(dossier: Dossier) -> list[dict]:
    """The transfers of ``dossier`` to other installations, each with the answers received
    and whether the message was delivered (for the dossier's transfer page)."""
    from chinhquyen.exchange.dossier_transfer import KIND_TRANSFER
    from chinhquyen.exchange.models import OutboxMessage

    sent = list(dossier.events.filter(data__direction="out").order_by("at", "id"))
    answers = list(dossier.events.filter(data__remote_event__isnull=False).order_by("at", "id"))
    keys = [f"{KIND_TRANSFER}:{e.data['transfer_id']}"[:200] for e in sent]
    messages = {
        m.idempotency_key: m for m in OutboxMessage.objects.filter(idempotency_key__in=keys)
    }
    return [
        {
            "event": event,
            "transfer_id": event.data["transfer_id"],
            "agency_code": event.data.get("to_agency_code", ""),
            "agency_name": event.data.get("to_agency_name", ""),
            "message": messages.get(key),
            "answers": [
                a for a in answers if a.data.get("transfer_id") == event.data["transfer_id"]
            ],
        }
        for event, key in zip(sent, keys, strict=True)
    ]
