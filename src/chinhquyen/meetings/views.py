"""Back-office pages of the work calendar and the video-conference endpoint registry.

Week view per agency (a table, previous/next week links, no JavaScript), entry create/edit
with publish/cancel and endpoint bookings, the endpoint registry (per agency and level) and
endpoint availability. Lists go through ``restrict``/the user's organisation scope, details
through ``access_object`` (404 outside the scope, 403 for an action not allowed); every change
calls ``meetings.services``. The public calendar and the iCalendar feed are in ``public.py``.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyen.core.authz import access_object
from chinhquyen.documents.errors import DocumentError
from chinhquyen.meetings import services
from chinhquyen.meetings.choices import EntryStatus
from chinhquyen.meetings.errors import BookingConflict, MeetingError
from chinhquyen.meetings.forms import (
    AvailabilityForm,
    BookingForm,
    CancelForm,
    EndpointFilterForm,
    EndpointForm,
    EntryForm,
)
from chinhquyen.meetings.models import CalendarEntry, ConferenceEndpoint, EndpointBooking

ENTRY_FORM_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "all_day",
    "place",
    "chair",
    "invitees",
    "preparing_unit",
    "notes",
    "is_public",
    "incoming_document",
    "outgoing_document",
)
ENDPOINT_PAGE_LIMIT = 500


def staff_view(permission: str):
    """Officials holding ``permission`` for some agency: anonymous → sign-in, others → 403;
    a wrong-state action or a double booking answers 409, other bad input 400."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not services.holds(user, permission):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except DocumentError as exc:
                return render(
                    request, "meetings/problem.html", {"message": exc.message}, status=exc.status
                )

        return wrapper

    return decorator


def _errors_into(form, exc: MeetingError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _agency_for(request, permission: str, value: str | None):
    """The agency chosen in the query string, within the user's scope; default: the first."""
    agencies = services.organisations_where(request.user, permission)
    if value:
        try:
            return agencies.get(pk=int(value))
        except (ValueError, agencies.model.DoesNotExist) as exc:
            raise Http404 from exc
    agency = agencies.first()
    if agency is None:
        raise PermissionDenied
    return agency


def _week_url(organisation_pk: int, code: str) -> str:
    return reverse("meetings:week") + "?" + urlencode({"agency": organisation_pk, "week": code})


# --- Week view ----------------------------------------------------------------------------


@staff_view("meetings.view_calendarentry")
@require_GET
def week(request):
    agency = _agency_for(request, "meetings.view_calendarentry", request.GET.get("agency"))
    try:
        year, number = services.parse_week(request.GET.get("week"))
    except ValueError as exc:
        raise Http404 from exc
    view = services.week_view(agency, year=year, week=number)
    return render(
        request,
        "meetings/week.html",
        {
            "view": view,
            "agency": agency,
            "agencies": services.organisations_where(request.user, "meetings.view_calendarentry"),
            "previous_url": _week_url(agency.pk, view.previous_code),
            "next_url": _week_url(agency.pk, view.next_code),
            "may_add": services.may(request.user, "meetings.add_calendarentry", agency),
        },
    )


# --- Entries ------------------------------------------------------------------------------


def _entry_values(data: dict) -> dict:
    return {name: data[name] for name in ENTRY_FORM_FIELDS}


@staff_view("meetings.add_calendarentry")
@require_http_methods(["GET", "POST"])
def entry_new(request):
    agency = _agency_for(request, "meetings.add_calendarentry", request.GET.get("agency"))
    form = EntryForm(request.POST or None, organisation=agency, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.create_entry(
                    organisation=agency,
                    participants=form.cleaned_data["participants"],
                    acting_user=request.user,
                    **_entry_values(form.cleaned_data),
                )
            except MeetingError as exc:
                _errors_into(form, exc)
            else:
                messages.success(request, _("The entry was saved as a draft."))
                for warning in saved.warnings:
                    messages.warning(request, warning)
                return redirect("meetings:entry", pk=saved.entry.pk)
        status = 400
    return render(
        request, "meetings/entry_form.html", {"form": form, "agency": agency}, status=status
    )


def _entry_context(request, entry: CalendarEntry, **extra) -> dict:
    user = request.user
    editable = entry.status != EntryStatus.CANCELLED
    may_change = editable and services.may(
        user, "meetings.change_calendarentry", entry.organisation
    )
    context = {
        "entry": entry,
        "bookings": entry.bookings.select_related("endpoint__organisation").order_by(
            "released_at", "pk"
        ),
        "may_change": may_change,
        "may_publish": entry.status == EntryStatus.DRAFT
        and services.may(user, "meetings.publish_calendarentry", entry.organisation),
        "may_cancel": editable
        and services.may(user, "meetings.publish_calendarentry", entry.organisation),
        "booking_form": BookingForm(user=user) if may_change else None,
        "cancel_form": CancelForm(),
        "week_url": _week_url(
            entry.organisation_id,
            "{}-W{:02d}".format(*entry.starts_at.astimezone(services.TZ).isocalendar()[:2]),
        ),
    }
    if may_change and "form" not in extra:
        context["form"] = EntryForm(
            initial=EntryForm.initial_for(entry), organisation=entry.organisation, user=user
        )
    context.update(extra)
    return context


def _get_entry(request, pk: int) -> CalendarEntry:
    return access_object(
        CalendarEntry.objects.select_related(
            "organisation", "chair", "preparing_unit", "incoming_document", "outgoing_document"
        ),
        request.user,
        pk,
    )


@staff_view("meetings.view_calendarentry")
@require_http_methods(["GET", "POST"])
def entry(request, pk: int):
    item = _get_entry(request, pk)
    if request.method == "GET":
        return render(request, "meetings/entry.html", _entry_context(request, item))
    if not services.may(request.user, "meetings.change_calendarentry", item.organisation):
        raise PermissionDenied
    form = EntryForm(request.POST, organisation=item.organisation, user=request.user)
    if form.is_valid():
        try:
            saved = services.update_entry(
                item,
                acting_user=request.user,
                participants=form.cleaned_data["participants"],
                **_entry_values(form.cleaned_data),
            )
        except BookingConflict:
            raise
        except MeetingError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            for warning in saved.warnings:
                messages.warning(request, warning)
            return redirect("meetings:entry", pk=item.pk)
    return render(
        request, "meetings/entry.html", _entry_context(request, item, form=form), status=400
    )


@staff_view("meetings.view_calendarentry")
@require_POST
def entry_action(request, pk: int, action: str):
    item = _get_entry(request, pk)
    if action == "publish":
        services.publish_entry(item, acting_user=request.user)
        messages.success(request, _("The entry was published."))
    elif action == "cancel":
        form = CancelForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.cancel_entry(item, acting_user=request.user, reason=reason)
        messages.success(request, _("The entry was cancelled; its endpoints were released."))
    else:
        raise Http404
    return redirect("meetings:entry", pk=item.pk)


@staff_view("meetings.add_endpointbooking")
@require_POST
def booking_add(request, pk: int):
    item = _get_entry(request, pk)
    if not services.may(request.user, "meetings.change_calendarentry", item.organisation):
        raise PermissionDenied
    form = BookingForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.book_endpoint(item, form.cleaned_data["endpoint"], acting_user=request.user)
        except MeetingError as exc:
            form.add_error("endpoint", exc.message)
            return render(
                request,
                "meetings/entry.html",
                _entry_context(request, item, booking_form=form),
                status=exc.status,
            )
        messages.success(request, _("The endpoint was booked."))
        return redirect("meetings:entry", pk=item.pk)
    return render(
        request,
        "meetings/entry.html",
        _entry_context(request, item, booking_form=form),
        status=400,
    )


@staff_view("meetings.view_calendarentry")
@require_POST
def booking_release(request, pk: int, booking_pk: int):
    item = _get_entry(request, pk)
    booking = item.bookings.filter(pk=booking_pk).select_related("entry__organisation").first()
    if booking is None:
        raise Http404
    services.release_endpoint(booking, acting_user=request.user)
    messages.success(request, _("The endpoint was released."))
    return redirect("meetings:entry", pk=item.pk)


# --- Endpoint registry --------------------------------------------------------------------


@staff_view("meetings.view_conferenceendpoint")
@require_GET
def endpoints(request):
    form = EndpointFilterForm(
        request.GET or None, user=request.user, permission="meetings.view_conferenceendpoint"
    )
    items = (
        ConferenceEndpoint.objects.restrict(request.user, "view")
        .select_related("organisation")
        .order_by("organisation__path", "level", "name")
    )
    status = 200
    if form.is_bound:
        if form.is_valid():
            items = form.filter(items)
        else:
            items, status = items.none(), 400
    return render(
        request,
        "meetings/endpoints.html",
        {
            "form": form,
            "endpoints": items[:ENDPOINT_PAGE_LIMIT],
            "may_add": services.holds(request.user, "meetings.add_conferenceendpoint"),
        },
        status=status,
    )


@staff_view("meetings.add_conferenceendpoint")
@require_http_methods(["GET", "POST"])
def endpoint_new(request):
    form = EndpointForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                item = services.create_endpoint(
                    organisation=data.pop("organisation"), acting_user=request.user, **data
                )
            except MeetingError as exc:
                _errors_into(form, exc)
            else:
                messages.success(request, _("The endpoint was added."))
                return redirect("meetings:endpoint", pk=item.pk)
        status = 400
    return render(request, "meetings/endpoint_form.html", {"form": form}, status=status)


@staff_view("meetings.view_conferenceendpoint")
@require_http_methods(["GET", "POST"])
def endpoint(request, pk: int):
    item = access_object(
        ConferenceEndpoint.objects.select_related("organisation"), request.user, pk
    )
    may_change = services.may(request.user, "meetings.change_conferenceendpoint", item.organisation)
    status = 200
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        form = EndpointForm(request.POST, user=request.user, editing=True)
        if form.is_valid():
            try:
                services.update_endpoint(item, acting_user=request.user, **form.cleaned_data)
            except MeetingError as exc:
                _errors_into(form, exc)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("meetings:endpoint", pk=item.pk)
        status = 400
    else:
        initial = {name: getattr(item, name) for name in services.ENDPOINT_FIELDS}
        form = EndpointForm(initial=initial, user=request.user, editing=True)
    upcoming = (
        EndpointBooking.objects.filter(endpoint=item, released_at__isnull=True)
        .select_related("entry__organisation")
        .order_by("-starts_at")[:20]
    )
    return render(
        request,
        "meetings/endpoint.html",
        {
            "endpoint": item,
            "form": form if may_change else None,
            "bookings": upcoming,
            "may_delete": services.may(
                request.user, "meetings.delete_conferenceendpoint", item.organisation
            ),
        },
        status=status,
    )


@staff_view("meetings.view_conferenceendpoint")
@require_POST
def endpoint_delete(request, pk: int):
    item = access_object(
        ConferenceEndpoint.objects.select_related("organisation"), request.user, pk, "delete"
    )
    services.delete_endpoint(item, acting_user=request.user)
    messages.success(request, _("The endpoint was deleted."))
    return redirect("meetings:endpoints")


@staff_view("meetings.view_endpointbooking")
@require_GET
def availability(request):
    form = AvailabilityForm(
        request.GET or None, user=request.user, permission="meetings.view_conferenceendpoint"
    )
    rows, status = None, 200
    if form.is_bound:
        if form.is_valid():
            endpoints_in_scope = form.filter(
                ConferenceEndpoint.objects.restrict(request.user, "view")
                .filter(is_active=True)
                .select_related("organisation")
                .order_by("organisation__path", "level", "name")
            )[:ENDPOINT_PAGE_LIMIT]
            rows = services.endpoint_availability(
                endpoints_in_scope, form.cleaned_data["starts_at"], form.cleaned_data["ends_at"]
            )
        else:
            status = 400
    return render(
        request, "meetings/availability.html", {"form": form, "rows": rows}, status=status
    )
