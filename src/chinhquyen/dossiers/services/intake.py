"""Dossier intake (Decree 61/2018 Arts. 17–18, 26; Circular 01/2018 Art. 19).

``receive_dossier`` checks the components against the procedure version in force, gives the
dossier its code (receiving agency's QCVN 102 code, date, gap-free daily sequence), computes the
appointed return time from the working-time calendar and opens the first process step.

The clock starts at the time on the receipt slip (``received_at``). A paper dossier (counter,
post) received after the rule set's cut-off (15:00) is handed over to the processing agency at
the start of the next working day (Art. 18): the first step starts then, the legal deadline
still counts from receipt.
"""

import re
import string
import uuid
from datetime import datetime

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.capture import skip_capture, snapshot
from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.dossiers import clock
from chinhquyen.dossiers.choices import (
    ApplicantKind,
    Channel,
    DossierStatus,
    EventType,
    NotificationKind,
)
from chinhquyen.dossiers.exceptions import IntakeRefused, PermissionDenied
from chinhquyen.dossiers.models import (
    DailySequence,
    Dossier,
    DossierAgency,
    DossierAttachment,
    DossierEvent,
    DossierStepRun,
    OneStopRuleSet,
    Payment,
)
from chinhquyen.dossiers.services.access import bilingual, holds_permission, is_citizen
from chinhquyen.dossiers.services.common import (
    actor_or_none,
    files_removed_on_error,
    make_event,
    notify_applicant,
    save_file,
)
from chinhquyen.dossiers.services.in_force import in_force_for_intake
from chinhquyen.dossiers.uploads import CheckedFile, check_upload
from chinhquyen.insights.aggregates import dossier_received as insights_received

PHONE_RE = re.compile(r"^\+?[0-9]{8,15}$")
ID_RE = re.compile(r"^[0-9A-Za-z-]{6,20}$")
# pg_advisory_xact_lock class of the per-agency daily counters (ASCII "cqsq").
SEQUENCE_LOCK_CLASS = 0x63717371
APPLICANT_FIELDS = ("kind", "name", "id_number", "phone", "email", "address", "unit", "user")


def rule_set_in_force(at: datetime | None = None) -> OneStopRuleSet:
    """The one-stop rule set with the greatest ``effective_from`` not after ``at`` (the newest
    row on a tie, as ``in_force_for_intake`` picks it)."""
    at = at or timezone.now()
    rule_set = OneStopRuleSet.objects.filter(effective_from__lte=at).order_by(
        "-effective_from", "-pk"
    )
    found = rule_set.first()
    if found is None:
        raise IntakeRefused(
            bilingual(_("No one-stop rule set is in force at %(at)s."), at=at.isoformat()),
            code="no_rule_set",
        )
    return found


def next_sequence_number(agency_code: str, day) -> int:
    """Take the next number of ``agency_code`` on ``day``, locking the counter row.

    One statement (``INSERT … ON CONFLICT DO UPDATE … RETURNING``, PostgreSQL and SQLite ≥ 3.35)
    that creates the row or increments it. Call inside the intake transaction, as late as
    possible: the row stays locked (PostgreSQL row lock; SQLite transactions here begin
    IMMEDIATE and hold the write lock) until commit, so concurrent intakes of the agency queue,
    and a rolled-back intake gives its number back.
    """
    table = connection.ops.quote_name(DailySequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_code, day, last_number) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (agency_code, day) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [agency_code, day.isoformat()],
        )
        return int(cursor.fetchone()[0])


# Parts of published procedure versions and process definitions, which do not change once
# published: components and fees per version, steps per process. Keyed by (pk, created_at) so a
# row re-created under a reused id (tests, restored databases) is not mistaken for another.
_PARTS_CACHE: dict[tuple, tuple] = {}
_PARTS_CACHE_SIZE = 1024


def _cached(key: tuple, load):
    found = _PARTS_CACHE.get(key)
    if found is None:
        if len(_PARTS_CACHE) >= _PARTS_CACHE_SIZE:
            _PARTS_CACHE.clear()
        found = _PARTS_CACHE[key] = load()
    return found


def _version_parts(version) -> tuple[tuple, tuple]:
    """(components, fees) of a published ``version`` (cached), or read now for a draft."""
    from chinhquyen.procedures.choices import VersionStatus

    def load():
        return tuple(version.components.all()), tuple(version.fees.all())

    if version.status == VersionStatus.DRAFT:
        return load()
    return _cached(("version", version.pk, version.created_at), load)


def _process_steps(process) -> tuple:
    """The steps of ``process`` in order, with their performer agency (cached once published)."""
    from chinhquyen.procedures.choices import VersionStatus

    def load():
        return tuple(process.steps.select_related("performer_agency").order_by("order"))

    if process.status == VersionStatus.DRAFT:
        return load()
    return _cached(("process", process.pk, process.created_at), load)


def format_code(rule_set: OneStopRuleSet, agency_code: str, day, number: int) -> str:
    return rule_set.code_format.format(
        agency=agency_code, yymmdd=day.strftime("%y%m%d"), seq=number
    )


def _code_parts(rule_set: OneStopRuleSet, agency_code: str, day) -> tuple[str, int, str] | None:
    """(prefix, zero-padding width, suffix) around the number when ``code_format`` holds one
    plain ``{seq}`` / ``{seq:0Nd}`` field, so the database can write the code; else None."""
    prefix, suffix, width, seen = [], [], None, False
    values = {"agency": agency_code, "yymmdd": day.strftime("%y%m%d")}
    try:
        for literal, name, spec, conversion in string.Formatter().parse(rule_set.code_format):
            (suffix if seen else prefix).append(literal)
            if name is None:
                continue
            if conversion or (name == "seq" and seen) or (name != "seq" and name not in values):
                return None
            if name == "seq":
                padded = re.fullmatch(r"0(\d+)d|d?", spec or "")
                if padded is None:
                    return None
                width, seen = int(padded.group(1) or 0), True
            else:
                (suffix if seen else prefix).append(format(values[name], spec or ""))
    except (ValueError, TypeError):
        return None
    if not seen:
        return None
    return "".join(prefix), width, "".join(suffix)


def number_and_code(dossier: Dossier, rule_set: OneStopRuleSet, agency_code: str, day) -> int:
    """Take the next daily number (``next_sequence_number``) and give ``dossier`` its code.

    On PostgreSQL, with a plain format, one statement does it all (a data-modifying
    ``WITH``): it first waits its turn on a transaction advisory lock per agency and day, then
    upserts the counter row and updates the dossier's code — one round trip less while the
    agency's counter is held, and concurrent intakes queue on the advisory lock, granted to one
    waiter at a time, instead of on the row lock, whose waiters all wake and retry the upsert
    after every commit (with 32 writers on one agency: −0.8 ms of server CPU per intake, see
    docs/benchmarks.md). Elsewhere two statements.
    """
    parts = _code_parts(rule_set, agency_code, day) if connection.vendor == "postgresql" else None
    if parts is None:
        number = next_sequence_number(agency_code, day)
        dossier.code = format_code(rule_set, agency_code, day, number)
        Dossier.objects.filter(pk=dossier.pk).update(code=dossier.code)
        return number
    prefix, width, suffix = parts
    q = connection.ops.quote_name
    sequence, table = q(DailySequence._meta.db_table), q(Dossier._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            # q: the agency's queue (transaction advisory lock, two-key space: apart from
            # the audit chain's); n: the counter row, created or incremented; then the code.
            "WITH q AS (SELECT pg_advisory_xact_lock(%s::integer, hashtext(%s::text))), "  # noqa: S608
            f"n AS (INSERT INTO {sequence} (agency_code, day, last_number) "
            f"SELECT %s, %s::date, 1 FROM q ON CONFLICT (agency_code, day) DO UPDATE "
            f"SET last_number = {sequence}.last_number + 1 RETURNING last_number) "
            f"UPDATE {table} SET code = %s::text || lpad(n.last_number::text, "
            f"greatest(%s::integer, length(n.last_number::text)), '0') || %s::text "
            f"FROM n WHERE {table}.id = %s RETURNING n.last_number, {table}.code",
            [
                SEQUENCE_LOCK_CLASS,
                f"{agency_code}|{day.isoformat()}",
                agency_code,
                day.isoformat(),
                prefix,
                width,
                suffix,
                dossier.pk,
            ],
        )
        number, dossier.code = cursor.fetchone()
    return int(number)


def _clean_applicant(applicant: dict) -> dict:
    unknown = set(applicant) - set(APPLICANT_FIELDS)
    if unknown:
        raise IntakeRefused(
            bilingual(
                _("Unknown applicant fields: %(fields)s."), fields=", ".join(sorted(unknown))
            ),
            code="applicant_invalid",
        )
    errors: dict[str, str] = {}
    name = str(applicant.get("name") or "").strip()
    kind = applicant.get("kind") or ApplicantKind.INDIVIDUAL
    phone = re.sub(r"[\s.()-]", "", str(applicant.get("phone") or ""))
    id_number = str(applicant.get("id_number") or "").strip()
    if not name:
        errors["name"] = bilingual(_("The applicant's name is required."))
    if kind not in ApplicantKind.values:
        errors["kind"] = bilingual(_("The applicant kind is not valid."))
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = bilingual(_("The phone number “%(value)s” is not valid."), value=phone)
    if id_number and not ID_RE.match(id_number):
        errors["id_number"] = bilingual(
            _("The ID number “%(value)s” is not valid."), value=id_number
        )
    if not phone and not id_number:
        errors["phone"] = bilingual(
            _("Give the applicant's phone number or ID number (needed to look the dossier up).")
        )
    if errors:
        raise IntakeRefused(
            " ".join(errors.values()), code="applicant_invalid", details={"fields": errors}
        )
    return {
        "applicant_kind": kind,
        "applicant_name": name[:255],
        "applicant_id_number": id_number,
        "applicant_phone": phone,
        "applicant_email": str(applicant.get("email") or "").strip()[:254],
        "applicant_address": str(applicant.get("address") or "").strip()[:500],
        "applicant_unit": applicant.get("unit"),
        "applicant_user": applicant.get("user"),
    }


def _normalise_components(components) -> list[tuple[object, object]]:
    pairs = []
    for item in components or []:
        if isinstance(item, dict):
            pairs.append((item.get("component"), item.get("file")))
        else:
            component, uploaded = item
            pairs.append((component, uploaded))
    return pairs


def check_components(version, components) -> list[tuple[object, CheckedFile]]:
    """Check every file and that each required component of ``version`` has one."""
    from chinhquyen.procedures.choices import ComponentRequirement

    checked: list[tuple[object, CheckedFile]] = []
    own = {c.pk: c for c in _version_parts(version)[0]}
    for component, uploaded in _normalise_components(components):
        if component is not None and component.pk not in own:
            raise IntakeRefused(
                bilingual(
                    _("The component “%(name)s” does not belong to this procedure version."),
                    name=str(component),
                ),
                code="component_unknown",
            )
        if uploaded is None:
            continue
        checked.append((component, check_upload(uploaded, label=str(component or ""))))
    present = {component.pk for component, _file in checked if component is not None}
    missing = [
        c
        for c in own.values()
        if c.requirement == ComponentRequirement.REQUIRED and c.pk not in present
    ]
    if missing:
        names = [c.name for c in sorted(missing, key=lambda c: (c.order, c.pk))]
        raise IntakeRefused(
            bilingual(
                _("The dossier is incomplete; missing required components: %(names)s."),
                names="; ".join(names),
            ),
            code="components_missing",
            details={"missing": names},
        )
    return checked


def hand_over_instant(
    rule_set: OneStopRuleSet, channel: str, received_at: datetime, *, work_calendar=None
) -> datetime:
    """When the dossier reaches the processing agency (Decree 61/2018 Art. 18)."""
    if (
        channel in Channel.paper()
        and clock.local(received_at).time() >= rule_set.paper_transfer_cutoff
    ):
        return clock.start_of_next_working_day(received_at, work_calendar=work_calendar)
    return received_at


def receive_dossier(
    *,
    procedure,
    receiving_agency,
    channel: str,
    applicant: dict,
    components=(),
    received_at: datetime | None = None,
    acting_user,
    processing_agency=None,
    is_demo: bool = False,
) -> Dossier:
    """Receive a dossier; returns it, or raises ``IntakeRefused`` / ``UploadRefused`` /
    ``PermissionDenied`` with nothing saved.

    ``components``: ``[(ProcedureComponent | None, uploaded file), …]`` (or dicts with
    ``component`` and ``file``). ``applicant``: ``kind``, ``name``, ``id_number``, ``phone``,
    ``email``, ``address``, ``unit`` (AdministrativeUnit), ``user`` (citizen account).
    ``processing_agency`` defaults to the receiving agency.
    """
    from chinhquyen.procedures.errors import NoProcessInForce, NoVersionInForce

    if channel not in Channel.values:
        raise IntakeRefused(bilingual(_("Unknown channel.")), code="channel_invalid")
    online = channel in (Channel.ONLINE, Channel.NATIONAL_PORTAL)
    if is_citizen(acting_user):
        if not online:
            raise PermissionDenied
        applicant = {**applicant, "user": acting_user}
    elif acting_user is not None and not holds_permission(
        acting_user, "dossiers.add_dossier", receiving_agency
    ):
        raise PermissionDenied
    received_at = received_at or timezone.now()
    lead_agency = processing_agency or receiving_agency
    agency_code = (receiving_agency.qcvn_code or "").strip()
    if not agency_code:
        raise IntakeRefused(
            bilingual(
                _("The receiving agency “%(agency)s” has no QCVN 102 code; set it first."),
                agency=receiving_agency.name,
            ),
            code="agency_without_code",
        )
    try:
        # version, process, rule set and calendar in force: one statement (in_force.py)
        found = in_force_for_intake(procedure, lead_agency, received_at)
    except (NoVersionInForce, NoProcessInForce) as exc:
        raise IntakeRefused(str(exc), code="procedure_not_in_force") from exc
    version, process, rule_set = found.version, found.process, found.rule_set
    work_calendar = found.calendar
    applicant_fields = _clean_applicant(applicant)
    checked = check_components(version, components)
    steps = _process_steps(process)
    if not steps:
        raise IntakeRefused(bilingual(_("The internal process has no step.")), code="no_steps")
    first = steps[0]
    legal_due_at = clock.add_legal_time(
        received_at, version.processing_time, version.time_unit, work_calendar=work_calendar
    )
    handed_over_at = hand_over_instant(rule_set, channel, received_at, work_calendar=work_calendar)
    day = clock.local(received_at).date()
    fees = _version_parts(version)[1]
    first_agency = first.performer_agency or lead_agency
    step_due_at = clock.add_hours(handed_over_at, first.allotted_hours, work_calendar=work_calendar)

    # The daily sequence row lock (per agency and day) and the audit chain lock (global) are
    # both held until COMMIT, so they are taken last: the dossier is inserted under a
    # provisional code, its rows added, then the number taken and the code set, and the audit
    # entries are chained at the very end by audited_atomic().
    with files_removed_on_error() as saved, audited_atomic():
        with skip_capture(Dossier):  # recorded below by one log_action with its snapshot
            dossier = Dossier.objects.create(
                code=f"~{uuid.uuid4().hex}",
                procedure=procedure,
                procedure_version=version,
                process=process,
                rule_set=rule_set,
                receiving_agency=receiving_agency,
                receiving_agency_code=agency_code,
                lead_agency=lead_agency,
                current_agency=first_agency,
                channel=channel,
                status=DossierStatus.RECEIVED,
                current_step=first,
                received_by=actor_or_none(acting_user),
                received_at=received_at,
                handed_over_at=handed_over_at,
                clock_started_at=received_at,
                legal_due_at=legal_due_at,
                original_due_at=legal_due_at,
                due_at=legal_due_at,
                is_demo=is_demo,
                **applicant_fields,
            )
        agencies = {receiving_agency.pk, lead_agency.pk, first_agency.pk}
        DossierAgency.objects.bulk_create(
            [
                DossierAgency(dossier=dossier, organisation_id=pk, since=received_at)
                for pk in agencies
            ]
        )
        DossierStepRun.objects.bulk_create(
            [
                DossierStepRun(
                    dossier=dossier,
                    step=first,
                    agency=first_agency,
                    started_at=handed_over_at,
                    due_at=step_due_at,  # as new_step_run(), computed before the transaction
                )
            ]
        )
        if fees:
            Payment.objects.bulk_create(
                [
                    Payment(dossier=dossier, fee=fee, name=fee.name, amount=fee.amount)
                    for fee in fees
                ]
            )
        number = number_and_code(dossier, rule_set, agency_code, day)
        if number >= 10**rule_set.sequence_digits:  # rolls the number and the code back
            raise IntakeRefused(
                bilingual(_("The daily dossier numbers of this agency are used up.")),
                code="sequence_exhausted",
            )
        events: list[DossierEvent] = [
            make_event(
                dossier,
                EventType.RECEIVED,
                at=received_at,
                acting_user=acting_user,
                to_agency=receiving_agency,
                data={
                    "code": dossier.code,
                    "channel": channel,
                    "procedure_version": version.pk,
                    "rule_set": rule_set.code,
                    "due_at": legal_due_at.isoformat(),
                    "components": [c.pk for c, _f in checked if c is not None],
                },
            )
        ]
        if handed_over_at != received_at or first_agency.pk != receiving_agency.pk:
            events.append(
                make_event(
                    dossier,
                    EventType.HANDED_OVER,
                    at=handed_over_at,
                    acting_user=acting_user,
                    step=first,
                    from_agency=receiving_agency,
                    to_agency=first_agency,
                    data={"after_cutoff": handed_over_at != received_at},
                )
            )
        DossierEvent.objects.bulk_create(events)
        # IOC counters, same transaction: one upsert statement, no read (insights.aggregates).
        insights_received(
            dossier, full_online=version.online_mode == "full", digitised=bool(checked)
        )
        for component, checked_file in checked:
            attachment = DossierAttachment(
                dossier=dossier,
                component=component,
                original_name=checked_file.name,
                sha256=checked_file.sha256,
                size=checked_file.size,
                content_type=checked_file.content_type,
                uploaded_at=received_at,
                uploaded_by=actor_or_none(acting_user),
            )
            save_file(attachment.file, checked_file.name, checked_file.content, saved)
            attachment.save()
        if channel != Channel.COUNTER:
            # At the counter the applicant leaves with the receipt and appointment slip (form
            # 01) in hand; by post, online or from the national portal this message is how they
            # learn that the dossier arrived and when the result is due.
            notify_applicant(
                dossier,
                NotificationKind.STATUS_CHANGED,
                bilingual(
                    _("Your dossier %(code)s has been received; the result is due on %(due)s."),
                    code=dossier.code,
                    due=timezone.localtime(legal_due_at).strftime("%d/%m/%Y %H:%M"),
                ),
                at=received_at,
            )
        log_action(
            "dossiers.receive_dossier",
            target=dossier,
            actor=acting_user,
            after=snapshot(dossier),
            details={
                "code": dossier.code,
                "channel": channel,
                "due_at": legal_due_at.isoformat(),
                "attachments": len(checked),
            },
        )
    return dossier
