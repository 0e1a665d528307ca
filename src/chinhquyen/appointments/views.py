"""Pages of the queue tickets. Thin: reads through ``services``, every change a service call.

Service refusals become bilingual pages: ``SlotUnavailable``/``TicketConflict`` → 409,
``PermissionDenied`` → 403 (a back-office agency out of the officer's scope too), bad input →
400 with the message next to the field.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from chinhquyen.appointments import services
from chinhquyen.appointments.choices import TicketKind, TicketStatus
from chinhquyen.appointments.exceptions import AppointmentError
from chinhquyen.appointments.models import Ticket
from chinhquyen.citizens.decorators import citizen_required
from chinhquyen.citizens.services import applicant_profile
from chinhquyen.directory.models import Organisation
from chinhquyen.directory.views import staff_required
from chinhquyen.procedures.errors import NoVersionInForce
from chinhquyen.procedures.models import Procedure
from chinhquyen.worktime.calendar import WorkCalendar

SESSION_COUNTER = "appointments_counter"


def _refused(request, error: AppointmentError, *, back: str = ""):
    return render(
        request,
        "appointments/refused.html",
        {"message": error.message, "back": back},
        status=error.status,
    )


def _procedure(code: str) -> Procedure:
    return get_object_or_404(Procedure, national_code=code)


def _version(procedure: Procedure):
    from chinhquyen.procedures.services import version_in_force

    try:
        return version_in_force(procedure)
    except NoVersionInForce as exc:  # not bookable
        raise Http404 from exc


# --- Citizens ---------------------------------------------------------------------------


def index(request):
    """Find the procedure to book for (search words, the public catalogue's matching)."""
    from chinhquyen.portal.search import CatalogueFilters, search_catalogue

    query = request.GET.get("q", "").strip()[:200]
    results = list(search_catalogue(CatalogueFilters(query=query))[:20]) if query else []
    return render(request, "appointments/index.html", {"query": query, "results": results})


@citizen_required
def choose_agency(request, code: str):
    procedure = _procedure(code)
    version = _version(procedure)
    agencies = list(services.booking_agencies(procedure))
    return render(
        request,
        "appointments/choose_agency.html",
        {"procedure": procedure, "version": version, "agencies": agencies},
    )


def _parse_day(text: str, days: list[datetime.date]) -> datetime.date | None:
    try:
        day = datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return day if day in days else None


@citizen_required
def book(request, code: str, agency_id: int):
    """Choose a day, then a slot (remaining places shown), confirm name and phone."""
    procedure = _procedure(code)
    version = _version(procedure)
    agency = get_object_or_404(services.booking_agencies(procedure), pk=agency_id)
    calendar = WorkCalendar.current()
    slot_settings = services.settings_for(agency)
    days = services.bookable_days(agency, calendar=calendar, slot_settings=slot_settings)
    profile = applicant_profile(request.user)
    chosen_text = request.POST.get("day") or request.GET.get("ngay") or ""
    day = _parse_day(chosen_text, days)
    errors: dict[str, str] = {}
    if chosen_text and day is None:
        errors["day"] = services.bilingual(_("Choose one of the days listed."))
    values = {
        "name": request.POST.get("name", profile["name"]).strip(),
        "phone": request.POST.get("phone", profile["phone"]).strip(),
        "slot": request.POST.get("slot", ""),
    }
    slots = (
        services.day_slots(agency, day, calendar=calendar, slot_settings=slot_settings)
        if day
        else []
    )
    context = {
        "procedure": procedure,
        "version": version,
        "agency": agency,
        "days": days,
        "day": day,
        "slots": slots,
        "values": values,
        "errors": errors,
    }
    if request.method != "POST":
        return render(request, "appointments/book.html", context, status=400 if errors else 200)
    chosen = next((s for s in slots if s.starts_at.isoformat() == values["slot"]), None)
    if day is None:
        errors.setdefault("day", services.bilingual(_("Choose a day.")))
    elif chosen is None:
        errors["slot"] = services.bilingual(_("Choose a time slot."))
    if not values["name"]:
        errors["name"] = services.bilingual(_("Enter your full name."))
    elif len(values["name"]) > 200:
        errors["name"] = services.bilingual(_("At most 200 characters."))
    if values["phone"] and not (values["phone"].isdigit() and 9 <= len(values["phone"]) <= 11):
        errors["phone"] = services.bilingual(
            _("Enter a phone number of 9 to 11 digits, or leave it empty.")
        )
    if errors:
        return render(request, "appointments/book.html", context, status=400)
    try:
        ticket = services.book_ticket(
            procedure=procedure,
            agency=agency,
            starts_at=chosen.starts_at,
            acting_user=request.user,
            name=values["name"],
            phone=values["phone"],
        )
    except AppointmentError as error:
        back = f"{reverse('appointments:book', args=[code, agency.pk])}?ngay={day.isoformat()}"
        return _refused(request, error, back=back)
    return redirect(ticket)


@citizen_required
def my_tickets(request):
    tickets = list(
        Ticket.objects.filter(citizen=request.user)
        .select_related("agency", "slot", "procedure")
        .order_by("-day", "-number")[:50]
    )
    return render(request, "appointments/my_tickets.html", {"tickets": tickets})


def _ticket_by_token(token: str) -> Ticket:
    return get_object_or_404(
        Ticket.objects.select_related("agency", "slot", "procedure"), token=token
    )


def ticket(request, token: str):
    """The ticket: number, agency, time, QR code of this page; printable. Anyone with the
    link (the QR) sees it; it shows no personal data."""
    from chinhquyen.dossiers.slips.render import qr_data_uri

    found = _ticket_by_token(token)
    url = request.build_absolute_uri(found.get_absolute_url())
    version = None
    if found.procedure_id:
        from chinhquyen.procedures.services import version_in_force

        try:
            version = version_in_force(found.procedure)
        except NoVersionInForce:  # only the name is missing then
            version = None
    return render(
        request,
        "appointments/ticket.html",
        {
            "ticket": found,
            "version": version,
            "qr": qr_data_uri(url),
            "url": url,
            "is_owner": request.user.is_authenticated and found.citizen_id == request.user.pk,
            "may_cancel": services.may_cancel(found),
        },
    )


@citizen_required
def cancel(request, token: str):
    found = _ticket_by_token(token)
    if found.citizen_id != request.user.pk:
        raise PermissionDenied
    if request.method != "POST":
        return render(request, "appointments/cancel.html", {"ticket": found})
    try:
        services.cancel_ticket(ticket=found, acting_user=request.user)
    except AppointmentError as error:
        return _refused(request, error, back=found.get_absolute_url())
    messages.success(request, services.bilingual(_("Your ticket was cancelled.")))
    return redirect(found)


def board(request, agency_id: int):
    """Public display of an agency's waiting room: the numbers being called, and where."""
    agency = get_object_or_404(
        Organisation.objects.exclude(qcvn_code__isnull=True).exclude(qcvn_code=""), pk=agency_id
    )
    now = timezone.now()
    called = services.display_board(agency, now=now)
    kiosk = request.GET.get("tu-dong") == "1"
    return render(
        request,
        "appointments/board.html",
        {
            "agency": agency,
            "current": [t for t in called if t.status == TicketStatus.CALLED],
            "earlier": [t for t in called if t.status != TicketStatus.CALLED],
            "now": timezone.localtime(now),
            "kiosk": kiosk,
            "waiting": services.queue_order(agency, now=now).count(),
        },
    )


# --- Back office ------------------------------------------------------------------------


def _agency_in_scope(user, agency_id: int, permission: str) -> Organisation:
    agency = get_object_or_404(Organisation, pk=agency_id)
    if not services.may_act(user, agency, permission):
        raise PermissionDenied
    return agency


@staff_required
def counters(request):
    agencies = list(services.agencies_for(request.user, services.CALL_PERMISSION))
    if not agencies:
        raise PermissionDenied
    if len(agencies) == 1:
        return redirect("appointments:counter", agencies[0].pk)
    return render(request, "appointments/counters.html", {"agencies": agencies})


def _counter_context(request, agency, **extra):
    now = timezone.now()
    day = timezone.localtime(now).date()
    today = list(
        Ticket.objects.filter(agency=agency, day=day).select_related("slot").order_by("number")
    )
    mine = [
        t for t in today if t.status == TicketStatus.CALLED and t.called_by_id == request.user.pk
    ]
    context = {
        "agency": agency,
        "today": today,
        "mine": mine,
        "waiting": services.queue_order(agency, now=now).count(),
        "counter_name": request.session.get(SESSION_COUNTER, ""),
        "errors": {},
        "TicketKind": TicketKind,
    }
    context.update(extra)
    return context


@staff_required
def counter(request, agency_id: int):
    agency = _agency_in_scope(request.user, agency_id, services.CALL_PERMISSION)
    return render(request, "appointments/counter.html", _counter_context(request, agency))


@staff_required
@require_POST
def call_next(request, agency_id: int):
    agency = _agency_in_scope(request.user, agency_id, services.CALL_PERMISSION)
    counter_name = request.POST.get("counter", "").strip()
    try:
        called = services.call_next_ticket(
            agency=agency, counter=counter_name, acting_user=request.user
        )
    except ValidationError as error:
        context = _counter_context(
            request, agency, errors={"counter": error.message_dict["counter"][0]}
        )
        context["counter_name"] = counter_name
        return render(request, "appointments/counter.html", context, status=400)
    request.session[SESSION_COUNTER] = counter_name
    if called is None:
        messages.info(request, services.bilingual(_("Nobody is waiting.")))
    else:
        messages.success(
            request,
            services.bilingual(
                _("Ticket %(ticket)s called to %(counter)s."),
                ticket=called.label,
                counter=counter_name,
            ),
        )
    return redirect("appointments:counter", agency.pk)


@staff_required
@require_POST
def walk_in(request, agency_id: int):
    agency = _agency_in_scope(request.user, agency_id, services.CALL_PERMISSION)
    name = request.POST.get("name", "").strip()
    if len(name) > 200:
        context = _counter_context(
            request,
            agency,
            errors={"name": services.bilingual(_("At most 200 characters."))},
        )
        return render(request, "appointments/counter.html", context, status=400)
    issued = services.issue_walk_in_ticket(agency=agency, acting_user=request.user, name=name)
    return redirect(issued)


@staff_required
@require_POST
def ticket_action(request, agency_id: int, ticket_id: int):
    agency = _agency_in_scope(request.user, agency_id, services.CALL_PERMISSION)
    found = get_object_or_404(Ticket, pk=ticket_id, agency=agency)
    action = request.POST.get("action", "")
    try:
        if action == "recall":
            services.recall_ticket(ticket=found, acting_user=request.user)
        elif action in (TicketStatus.SERVED, TicketStatus.NO_SHOW):
            services.finish_ticket(ticket=found, outcome=action, acting_user=request.user)
        else:
            context = _counter_context(
                request,
                agency,
                errors={"action": services.bilingual(_("Unknown action."))},
            )
            return render(request, "appointments/counter.html", context, status=400)
    except AppointmentError as error:
        return _refused(request, error, back=reverse("appointments:counter", args=[agency.pk]))
    return redirect("appointments:counter", agency.pk)


@staff_required
def settings_list(request):
    agencies = list(services.agencies_for(request.user, services.CONFIGURE_PERMISSION))
    if not agencies:
        raise PermissionDenied
    shown = agencies[:200]
    found = services.settings_for_many(shown)
    rows = [(agency, found[agency.pk]) for agency in shown]
    return render(request, "appointments/settings_list.html", {"rows": rows})


FIELDS = ("slot_minutes", "capacity", "days_ahead", "prefix")


@staff_required
def settings_edit(request, agency_id: int):
    agency = _agency_in_scope(request.user, agency_id, services.CONFIGURE_PERMISSION)
    current = services.settings_for(agency)
    values = {name: request.POST.get(name, getattr(current, name)) for name in FIELDS}
    errors: dict[str, str] = {}
    context = {"agency": agency, "values": values, "errors": errors}
    if request.method != "POST":
        return render(request, "appointments/settings_edit.html", context)
    numbers = {}
    for name in FIELDS[:3]:
        try:
            numbers[name] = int(str(values[name]).strip())
        except ValueError:
            errors[name] = services.bilingual(_("Enter a whole number."))
    if not errors:
        try:
            services.configure_slots(
                agency=agency, prefix=str(values["prefix"]), acting_user=request.user, **numbers
            )
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        return render(request, "appointments/settings_edit.html", context, status=400)
    messages.success(request, services.bilingual(_("The slot settings were saved.")))
    return redirect("appointments:settings_list")
