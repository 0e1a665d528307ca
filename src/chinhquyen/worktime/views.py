"""Back office of the working-time calendar (IT administrator).

A year's calendar as month-grid tables, the administrator's exceptions with add/remove, and
the working-hours versions. Every change goes through ``worktime.services``.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime
import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from chinhquyen.accounts.scopes import organisation_scope
from chinhquyen.worktime.calendar import MAX_YEAR, MIN_YEAR, DayInfo, WorkCalendar
from chinhquyen.worktime.forms import CalendarExceptionForm, WorkingHoursForm
from chinhquyen.worktime.models import CalendarException, WorkingHours
from chinhquyen.worktime.services import (
    add_calendar_exception,
    remove_calendar_exception,
    set_working_hours,
)

MANAGE_PERMISSION = "worktime.change_calendarexception"


def calendar_admin_required(view):
    """Signed in, and holding ``worktime.change_calendarexception`` somewhere."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not organisation_scope(user, MANAGE_PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _year_from(request) -> int:
    raw = request.GET.get("year") or request.POST.get("year") or ""
    if raw.isdigit() and MIN_YEAR <= int(raw) <= MAX_YEAR:
        return int(raw)
    return timezone.localdate().year


def _month_grids(days: list[DayInfo], year: int) -> list[dict]:
    infos = {info.date: info for info in days}
    grids = []
    weeks_of = month_calendar.Calendar(firstweekday=0).monthdatescalendar
    for month in range(1, 13):
        weeks = [
            [infos.get(day) if day.month == month else None for day in week]
            for week in weeks_of(year, month)
        ]
        grids.append({"month": month, "first_day": datetime.date(year, month, 1), "weeks": weeks})
    return grids


def _render(request, *, year: int, exception_form=None, hours_form=None, status: int = 200):
    cal = WorkCalendar.current()
    days = cal.year_days(year)
    current_hours = cal.hours_on(timezone.localdate())
    exceptions = CalendarException.objects.filter(date__year=year).select_related("created_by")
    context = {
        "year": year,
        "previous_year": year - 1 if year > MIN_YEAR else None,
        "next_year": year + 1 if year < MAX_YEAR else None,
        "grids": _month_grids(days, year),
        "notable": [info for info in days if info.is_notable],
        "exceptions": exceptions,
        "hours_versions": WorkingHours.objects.select_related("created_by").order_by("-valid_from"),
        "current_hours": current_hours,
        "exception_form": exception_form or CalendarExceptionForm(),
        "hours_form": hours_form
        or WorkingHoursForm(
            initial={
                "valid_from": timezone.localdate(),
                **{
                    name: getattr(current_hours, name).strftime("%H:%M")
                    for name in (
                        "morning_start",
                        "morning_end",
                        "afternoon_start",
                        "afternoon_end",
                    )
                },
            }
        ),
        "weekday_names": [
            _("Mon"),
            _("Tue"),
            _("Wed"),
            _("Thu"),
            _("Fri"),
            _("Sat"),
            _("Sun"),
        ],
    }
    return render(request, "worktime/calendar.html", context, status=status)


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@calendar_admin_required
@require_GET
def calendar_view(request):
    return _render(request, year=_year_from(request))


@calendar_admin_required
@require_POST
def add_exception_view(request):
    form = CalendarExceptionForm(request.POST)
    year = _year_from(request)
    if form.is_valid():
        data = form.cleaned_data
        try:
            exception = add_calendar_exception(
                date=data["date"],
                kind=data["kind"],
                reason=data["reason"],
                legal_reference=data["legal_reference"],
                acting_user=request.user,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Saved: %(date)s, %(kind)s.")
                % {
                    "date": exception.date.strftime("%d/%m/%Y"),
                    "kind": exception.get_kind_display(),
                },
            )
            return redirect(f"{reverse('worktime:calendar')}?year={exception.date.year}")
    return _render(request, year=year, exception_form=form, status=400)


@calendar_admin_required
@require_POST
def remove_exception_view(request, pk: int):
    exception = CalendarException.objects.filter(pk=pk).first()
    year = exception.date.year if exception else _year_from(request)
    try:
        remove_calendar_exception(exception=pk, acting_user=request.user)
    except ValidationError:
        messages.error(
            request,
            _("That exception no longer exists (Ngoại lệ này không còn tồn tại)."),
        )
        return redirect(f"{reverse('worktime:calendar')}?year={year}")
    messages.success(
        request,
        _("Removed the exception of %(date)s.") % {"date": exception.date.strftime("%d/%m/%Y")},
    )
    return redirect(f"{reverse('worktime:calendar')}?year={year}")


@calendar_admin_required
@require_POST
def add_hours_view(request):
    form = WorkingHoursForm(request.POST)
    year = _year_from(request)
    if form.is_valid():
        data = form.cleaned_data
        try:
            version = set_working_hours(acting_user=request.user, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("New working hours in force from %(date)s.")
                % {"date": version.valid_from.strftime("%d/%m/%Y")},
            )
            return redirect(f"{reverse('worktime:calendar')}?year={year}")
    return _render(request, year=year, hours_form=form, status=400)
