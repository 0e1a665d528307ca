"""The review and approval chain of an outgoing draft (trình duyệt dự thảo).

The chain is data: ``ReviewStep`` rows in order — specialist → division leader → agency
leader, or a shorter chain ending with the agency leader. Each submission is a *round*: its
steps have ``order`` = round × 100 + position, so a draft returned for changes and submitted
again keeps the earlier round's decisions in its history. The step whose turn it is is the
first pending one of the last round. Returning for changes sends the draft back to DRAFT; the
last approval (an agency leader holding ``documents.approve_outgoingdocument``) makes it
APPROVED, ready for the clerk to number.

A wrong state raises ``InvalidTransition`` (409), the wrong person ``PermissionDenied`` (403);
either way nothing changes.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.accounts.choices import Role
from chinhquyen.accounts.scopes import grants_of
from chinhquyen.audit.services import audited_atomic
from chinhquyen.documents.choices import (
    EventType,
    OutgoingStatus,
    ReviewDecision,
    ReviewerRole,
)
from chinhquyen.documents.errors import DocumentError
from chinhquyen.documents.models import DraftComment, OutgoingDocument, ReviewStep
from chinhquyen.documents.services.access import holds
from chinhquyen.documents.services.drafting import latest_version, lock, record, require_status

APPROVE_PERM = "documents.approve_outgoingdocument"
ROUND = 100
_RANK = {
    ReviewerRole.SPECIALIST: 0,
    ReviewerRole.DIVISION_LEADER: 1,
    ReviewerRole.AGENCY_LEADER: 2,
}
_ROLE_FOR = {
    ReviewerRole.SPECIALIST: Role.SPECIALIST,
    ReviewerRole.DIVISION_LEADER: Role.DIVISION_LEADER,
}


def holds_role(user, role: str, organisation) -> bool:
    """``user`` holds ``role`` (own or delegated, today) for ``organisation`` or an ancestor."""
    return any(
        held == role and organisation.path.startswith(path) for held, path in grants_of(user).pairs
    )


def may_review_as(user, reviewer_role: str, document: OutgoingDocument) -> bool:
    """Specialists and division leaders of the drafting unit; the agency's leaders (approve)."""
    if reviewer_role == ReviewerRole.AGENCY_LEADER:
        return holds(user, APPROVE_PERM, document.organisation)
    return holds_role(user, _ROLE_FOR[reviewer_role], document.drafting_unit)


def current_round(document: OutgoingDocument) -> int:
    last = document.review_steps.order_by("-order").values_list("order", flat=True).first()
    return (last // ROUND) if last is not None else 0


def round_steps(document: OutgoingDocument, round_number: int | None = None) -> list[ReviewStep]:
    round_number = current_round(document) if round_number is None else round_number
    return list(
        document.review_steps.filter(
            order__gte=round_number * ROUND, order__lt=(round_number + 1) * ROUND
        )
        .select_related("reviewer")
        .order_by("order")
    )


def current_step(document: OutgoingDocument) -> ReviewStep | None:
    """The step whose turn it is (None unless the document is in review)."""
    if document.status != OutgoingStatus.IN_REVIEW:
        return None
    for step in round_steps(document):
        if step.decision == ReviewDecision.PENDING:
            return step
    return None


def previous_chain(document: OutgoingDocument) -> list[tuple[str, object]]:
    """The chain of the last submission, to send a revised draft to the same reviewers."""
    from django.contrib.auth import get_user_model

    from chinhquyen.documents.models import DocumentEvent

    event = (
        DocumentEvent.objects.filter(outgoing=document, type=EventType.SUBMITTED)
        .order_by("-at", "-pk")
        .first()
    )
    if event is None:
        return []
    pairs = event.details.get("chain", [])
    users = get_user_model().objects.in_bulk([user_id for _role, user_id in pairs])
    return [(role, users.get(user_id)) for role, user_id in pairs]


def _check_chain(document: OutgoingDocument, chain: Sequence[tuple[str, object]], author) -> None:
    if not chain:
        raise DocumentError(_("Choose the reviewers."), code="chain_required", field="chain")
    if len(chain) > ROUND - 1:
        raise DocumentError(_("Too many review steps."), code="chain_too_long", field="chain")
    previous = -1
    for role, reviewer in chain:
        if role not in _RANK:
            raise DocumentError(
                _("Unknown reviewer role “%(role)s”."), code="bad_role", field="chain", role=role
            )
        if _RANK[role] < previous:
            raise DocumentError(
                _("The review goes up: specialist, then division leader, then agency leader."),
                code="chain_order",
                field="chain",
            )
        previous = _RANK[role]
        if reviewer is None or reviewer.pk == author.pk:
            raise DocumentError(
                _("A reviewer must be someone other than the author."),
                code="self_review",
                field="chain",
            )
        if not may_review_as(reviewer, role, document):
            raise DocumentError(
                _("%(name)s does not hold the role “%(role)s” for this document."),
                code="reviewer_not_eligible",
                field="chain",
                name=getattr(reviewer, "full_name", "") or str(reviewer),
                role=ReviewerRole(role).label,
            )
    if chain[-1][0] != ReviewerRole.AGENCY_LEADER:
        raise DocumentError(
            _("The last step is the agency leader, who approves the document."),
            code="chain_without_leader",
            field="chain",
        )


def submit_for_review(
    document: OutgoingDocument,
    chain: Sequence[tuple[str, object]] | None,
    acting_user,
) -> list[ReviewStep]:
    """Send the draft up the chain ``[(ReviewerRole, user), …]``. Without a chain, a draft that
    was returned goes again to the reviewers of its last round (from the SUBMITTED event)."""
    require_status(document, OutgoingStatus.DRAFT)
    if document.created_by_id != acting_user.pk and not holds(
        acting_user, "documents.change_outgoingdocument", document.drafting_unit
    ):
        raise PermissionDenied
    if chain is None:
        chain = previous_chain(document)
    _check_chain(document, chain, document.created_by)
    with audited_atomic():
        locked = lock(document)
        require_status(locked, OutgoingStatus.DRAFT)
        version = latest_version(locked)
        if version is None:
            raise DocumentError(_("The draft has no version to review."), code="no_version")
        round_number = current_round(locked) + 1
        steps = ReviewStep.objects.bulk_create(
            [
                ReviewStep(
                    document=locked,
                    order=round_number * ROUND + index,
                    reviewer_role=role,
                    reviewer=reviewer,
                )
                for index, (role, reviewer) in enumerate(chain, start=1)
            ]
        )
        locked.status = OutgoingStatus.IN_REVIEW
        locked.save(update_fields=["status", "updated_at"])
        record(
            locked,
            EventType.SUBMITTED,
            actor=acting_user,
            action="documents.submit_for_review",
            details={
                "round": round_number,
                "version": version.number,
                "chain": [[role, reviewer.pk] for role, reviewer in chain],
            },
        )
    document.refresh_from_db()
    return steps


def _my_step(document: OutgoingDocument, acting_user) -> ReviewStep:
    step = current_step(document)
    if step is None:  # pragma: no cover - in review always has a pending step
        raise PermissionDenied
    if step.reviewer_id != acting_user.pk or not may_review_as(
        acting_user, step.reviewer_role, document
    ):
        raise PermissionDenied
    return step


def approve_step(document: OutgoingDocument, acting_user, comment: str = "") -> ReviewStep:
    """The reviewer whose turn it is approves; after the agency leader the draft is APPROVED."""
    require_status(document, OutgoingStatus.IN_REVIEW)
    _my_step(document, acting_user)
    with audited_atomic():
        locked = lock(document)
        require_status(locked, OutgoingStatus.IN_REVIEW)
        step = _my_step(locked, acting_user)
        step.decision = ReviewDecision.APPROVED
        step.comment = comment.strip()
        step.decided_at = timezone.now()
        step.version = latest_version(locked)
        step.save(update_fields=["decision", "comment", "decided_at", "version"])
        finished = current_step(locked) is None
        if finished:
            locked.status = OutgoingStatus.APPROVED
            locked.save(update_fields=["status", "updated_at"])
        record(
            locked,
            EventType.APPROVED,
            actor=acting_user,
            action="documents.approve_step",
            note=step.comment,
            details={
                "step": step.order,
                "as": step.reviewer_role,
                "version": step.version.number if step.version else None,
                "final": finished,
            },
        )
    document.refresh_from_db()
    return step


def return_for_changes(document: OutgoingDocument, comment: str, acting_user) -> ReviewStep:
    """The reviewer whose turn it is sends the draft back to its author with a comment."""
    require_status(document, OutgoingStatus.IN_REVIEW)
    _my_step(document, acting_user)
    if not comment or not comment.strip():
        raise DocumentError(_("Say what should change."), code="comment_required", field="comment")
    with audited_atomic():
        locked = lock(document)
        require_status(locked, OutgoingStatus.IN_REVIEW)
        step = _my_step(locked, acting_user)
        step.decision = ReviewDecision.RETURNED
        step.comment = comment.strip()
        step.decided_at = timezone.now()
        step.version = latest_version(locked)
        step.save(update_fields=["decision", "comment", "decided_at", "version"])
        DraftComment.objects.create(
            document=locked, version=step.version, author=acting_user, text=step.comment
        )
        # The steps not reached are plans, not decisions (the SUBMITTED event keeps the chain):
        # dropping them leaves exactly one round with pending steps, the one in review.
        unreached = ReviewStep.objects.filter(
            document=locked, decision=ReviewDecision.PENDING, order__gt=step.order
        )
        dropped = list(unreached.values_list("order", flat=True))
        unreached.delete()
        locked.status = OutgoingStatus.DRAFT
        locked.save(update_fields=["status", "updated_at"])
        record(
            locked,
            EventType.REVIEW_RETURNED,
            actor=acting_user,
            action="documents.return_for_changes",
            note=step.comment,
            details={"step": step.order, "as": step.reviewer_role, "not_reached": dropped},
        )
    document.refresh_from_db()
    return step
