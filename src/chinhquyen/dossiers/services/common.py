"""Helpers shared by the dossier services (events, step runs, notifications, timeliness)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction

from chinhquyen.dossiers import clock
from chinhquyen.dossiers.choices import Outcome
from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStepRun, Notification


def actor_name(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return (getattr(user, "full_name", "") or user.get_username())[:255]


def actor_or_none(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def make_event(dossier: Dossier, type_: str, *, at: datetime, acting_user=None, **fields):
    return DossierEvent(
        dossier=dossier,
        type=type_,
        at=at,
        actor=actor_or_none(acting_user),
        actor_name=actor_name(acting_user),
        **fields,
    )


def add_event(dossier: Dossier, type_: str, *, at: datetime, acting_user=None, **fields):
    event = make_event(dossier, type_, at=at, acting_user=acting_user, **fields)
    event.save()
    return event


def outcome_for(finished_at: datetime, due_at: datetime) -> str:
    """Early / on time / late (Circular 01/2018 Art. 13 indicators 1–2).

    Late: finished after the deadline instant. Early: finished on a calendar day before the
    deadline's day (local time). Otherwise (the same day, not after the instant): on time.
    """
    if finished_at > due_at:
        return Outcome.LATE
    if clock.local(finished_at).date() < clock.local(due_at).date():
        return Outcome.EARLY
    return Outcome.ON_TIME


def new_step_run(dossier: Dossier, step, agency, *, started_at: datetime) -> DossierStepRun:
    return DossierStepRun(
        dossier=dossier,
        step=step,
        agency=agency,
        started_at=started_at,
        due_at=clock.add_hours(started_at, step.allotted_hours),
    )


def close_run(run: DossierStepRun | None, *, at: datetime, acting_user, action: str) -> dict:
    """Finish the open step run; returns facts for the event's data."""
    if run is None:
        return {}
    run.finished_at = max(at, run.started_at)
    run.finished_by = actor_or_none(acting_user)
    run.action = action
    used = clock.between(run.started_at, run.finished_at)
    run.working_seconds = max(int(used.total_seconds()), 0)
    run.outcome = outcome_for(run.finished_at, run.due_at)
    run.save()
    return {
        "step_run": run.pk,
        "step_working_seconds": run.working_seconds,
        "step_due_at": run.due_at.isoformat(),
        "step_outcome": run.outcome,
    }


def open_run(dossier: Dossier) -> DossierStepRun | None:
    return (
        DossierStepRun.objects.filter(dossier=dossier, finished_at__isnull=True)
        .order_by("-started_at", "-id")
        .first()
    )


def notify_applicant(dossier: Dossier, kind: str, message: str, *, at: datetime) -> Notification:
    """A message for the applicant: the ``Notification`` row and its outbox deliveries
    (e-mail, SMS: ``notifications.services.queue_notification``) in the caller's transaction;
    sending is enqueued after commit (``dispatch_notification``)."""
    from chinhquyen.notifications.services import queue_notification

    notification = Notification.objects.create(
        dossier=dossier,
        kind=kind,
        recipient=dossier.applicant_user,
        phone=dossier.applicant_phone,
        email=dossier.applicant_email,
        message=message,
        created_at=at,
    )
    queue_notification(notification)
    transaction.on_commit(lambda: dispatch_notification(notification.pk))
    return notification


def notify_status_change(dossier: Dossier, *, at: datetime) -> Notification:
    """The applicant's message for a new status that has no message of its own."""
    from django.utils.translation import gettext_lazy as _

    from chinhquyen.dossiers.choices import DossierStatus, NotificationKind
    from chinhquyen.dossiers.services.access import bilingual

    return notify_applicant(
        dossier,
        NotificationKind.STATUS_CHANGED,
        bilingual(
            _("The status of your dossier %(code)s is now: %(status)s."),
            code=dossier.code,
            # the label, not get_status_display(): bilingual() renders it in each language
            status=DossierStatus(dossier.status).label,
        ),
        at=at,
    )


def dispatch_notification(pk: int) -> None:
    """After commit: hand the notification's deliveries to the background worker and record
    the hand-over in ``sent_at`` (each delivery then records its own sending and retries).
    """
    from django.utils import timezone

    from chinhquyen.notifications.services import enqueue_deliveries

    enqueue_deliveries(notification_id=pk)
    Notification.objects.filter(pk=pk, sent_at__isnull=True).update(sent_at=timezone.now())


@contextmanager
def files_removed_on_error() -> Iterator[list]:
    """Collects the storage names of files saved inside a service transaction and deletes
    them when the block fails, so a refused or rolled-back action leaves no orphan file.

    Use it *around* ``transaction.atomic()``: the files are removed after the rollback.
    """
    saved: list = []
    try:
        yield saved
    except BaseException:
        for field_file in saved:
            try:
                field_file.storage.delete(field_file.name)
            except OSError:  # pragma: no cover - best effort, the error below matters more
                pass
        raise


def save_file(field_file, name: str, content: bytes, saved: list) -> None:
    """Save ``content`` into a ``FieldFile`` (model not saved) and remember it for cleanup."""
    field_file.save(name, ContentFile(content), save=False)
    saved.append(field_file)
