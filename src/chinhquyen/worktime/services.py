"""Changing the working-time calendar: exceptions (swap days, make-up Saturdays, provincial
days off) and working-hours versions.

Each function runs in one transaction, refuses bad input with a bilingual ``ValidationError``
naming the field (nothing saved), records the call with ``audit.services.log_action`` and
changes the calendar's revision token, so every process reloads ``WorkCalendar.current()``.

Reading the calendar (deadlines, working time) is in :mod:`chinhquyen.worktime.calendar`.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import log_action
from chinhquyen.worktime.calendar import MAX_YEAR, MIN_YEAR, HoursVersion, WorkCalendar
from chinhquyen.worktime.calendar import WorkTimeError as _WorkTimeError
from chinhquyen.worktime.choices import DayKind
from chinhquyen.worktime.models import CalendarException, CalendarRevision, WorkingHours


def _bump_revision() -> None:
    """Give the calendar data a new token (in the caller's transaction)."""
    token = WorkCalendar.new_token()
    updated = CalendarRevision.objects.filter(pk=1).update(token=token, changed_at=timezone.now())
    if not updated:
        CalendarRevision.objects.create(pk=1, token=token)
    WorkCalendar.invalidate()
    transaction.on_commit(WorkCalendar.invalidate)


def _invalid(field: str, message, code: str, **params) -> ValidationError:
    """A ValidationError on ``field`` (a translatable ``message`` with ``params``)."""
    return ValidationError({field: ValidationError(message, code=code, params=params or None)})


def _check_date(value, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise _invalid(
            field, _("A date is needed: %(value)s (cần một ngày)."), "invalid", value=repr(value)
        )
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise _invalid(
            field,
            _("The year must be within %(min)s–%(max)s (năm phải trong khoảng %(min)s–%(max)s)."),
            "invalid",
            min=MIN_YEAR,
            max=MAX_YEAR,
        )
    return value


def add_calendar_exception(
    *,
    date: datetime.date,
    kind: str,
    reason: str,
    legal_reference: str = "",
    acting_user=None,
) -> CalendarException:
    """Mark ``date`` as a day off or a working day, overriding weekends and public holidays.

    One exception per date: a second one for the same date is refused (remove the first).
    """
    date = _check_date(date, "date")
    if kind not in DayKind.values:
        raise _invalid(
            "kind",
            _(
                "Invalid kind “%(kind)s”, expected day_off or working_day (loại ngày không hợp "
                "lệ, cần day_off hoặc working_day)."
            ),
            "invalid",
            kind=kind,
        )
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("A reason is required (cần nêu lý do)."), "required")
    if len(reason) > 255:
        raise _invalid(
            "reason",
            _("The reason is at most 255 characters (lý do tối đa 255 ký tự)."),
            "max_length",
        )
    legal_reference = (legal_reference or "").strip()
    if len(legal_reference) > 255:
        raise _invalid(
            "legal_reference",
            _("The legal reference is at most 255 characters (căn cứ pháp lý tối đa 255 ký tự)."),
            "max_length",
        )
    with transaction.atomic():
        if CalendarException.objects.select_for_update().filter(date=date).exists():
            raise _invalid(
                "date",
                _(
                    "%(date)s already has an exception; remove it first (ngày %(date)s đã có "
                    "ngoại lệ; hãy xóa nó trước)."
                ),
                "unique",
                date=f"{date:%d/%m/%Y}",
            )
        exception = CalendarException.objects.create(
            date=date,
            kind=kind,
            reason=reason,
            legal_reference=legal_reference,
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        _bump_revision()
        log_action(
            "worktime.add_calendar_exception",
            target=exception,
            actor=acting_user,
            details={
                "date": date.isoformat(),
                "kind": kind,
                "reason": reason,
                "legal_reference": legal_reference,
            },
        )
    return exception


def remove_calendar_exception(*, exception: CalendarException | int, acting_user=None) -> None:
    """Delete an exception: the date follows the weekends and public holidays again."""
    pk = exception.pk if isinstance(exception, CalendarException) else exception
    with transaction.atomic():
        found = CalendarException.objects.select_for_update().filter(pk=pk).first()
        if found is None:
            raise _invalid(
                "exception",
                _(
                    "The exception does not exist; it may have been removed already (ngoại lệ "
                    "không tồn tại, có thể đã bị xóa)."
                ),
                "not_found",
            )
        details = {
            "date": found.date.isoformat(),
            "kind": found.kind,
            "reason": found.reason,
            "legal_reference": found.legal_reference,
        }
        log_action(
            "worktime.remove_calendar_exception", target=found, actor=acting_user, details=details
        )
        found.delete()
        _bump_revision()


def set_working_hours(
    *,
    valid_from: datetime.date,
    morning_start: datetime.time,
    morning_end: datetime.time,
    afternoon_start: datetime.time,
    afternoon_end: datetime.time,
    legal_reference: str = "",
    acting_user=None,
    allow_past: bool = False,
) -> WorkingHours:
    """Add a working-hours version in force from ``valid_from`` (versions are never edited).

    ``valid_from`` must not be in the past (deadlines already computed would move) unless
    ``allow_past`` (data loading); one version per date.
    """
    valid_from = _check_date(valid_from, "valid_from")
    today = timezone.localdate()
    if valid_from < today and not allow_past:
        raise _invalid(
            "valid_from",
            _(
                "The effective date must not be in the past (before %(today)s) (ngày hiệu lực "
                "không được ở quá khứ, trước %(today)s)."
            ),
            "past",
            today=f"{today:%d/%m/%Y}",
        )
    times = {
        "morning_start": morning_start,
        "morning_end": morning_end,
        "afternoon_start": afternoon_start,
        "afternoon_end": afternoon_end,
    }
    for name, value in times.items():
        if not isinstance(value, datetime.time):
            raise _invalid(
                name,
                _("A time (HH:MM) is needed: %(value)s (cần giờ dạng HH:MM)."),
                "invalid",
                value=repr(value),
            )
    try:
        HoursVersion(valid_from=valid_from, **times)
    except _WorkTimeError as error:
        raise ValidationError({"afternoon_end": str(error)}, code="order") from None
    with transaction.atomic():
        if WorkingHours.objects.select_for_update().filter(valid_from=valid_from).exists():
            raise _invalid(
                "valid_from",
                _(
                    "A working-hours version from %(date)s already exists (đã có phiên bản giờ "
                    "làm việc từ %(date)s)."
                ),
                "unique",
                date=f"{valid_from:%d/%m/%Y}",
            )
        version = WorkingHours.objects.create(
            valid_from=valid_from,
            legal_reference=(legal_reference or "").strip()[:255],
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
            **times,
        )
        _bump_revision()
        log_action(
            "worktime.set_working_hours",
            target=version,
            actor=acting_user,
            details={
                "valid_from": valid_from.isoformat(),
                **{name: value.strftime("%H:%M") for name, value in times.items()},
                "legal_reference": version.legal_reference,
            },
        )
    return version
