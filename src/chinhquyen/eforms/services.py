"""Online application: forms as data, drafts, uploads and submission through the intake service.

Every state change is a function here (keyword-only arguments, ``acting_user``), in one
transaction, audited with ``log_action`` — except the draft autosave (``save_draft_data``),
which runs every few seconds while a citizen types: it stores the citizen's own unfinished
answers, changes nothing of the administration's, and is therefore neither captured nor logged
(starting, uploading, removing, deleting and submitting a draft are).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.capture import skip_capture
from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.dossiers.choices import Channel
from chinhquyen.dossiers.services.access import bilingual, is_citizen
from chinhquyen.dossiers.uploads import check_upload
from chinhquyen.eforms import schema as schemas
from chinhquyen.eforms.choices import FormStatus
from chinhquyen.eforms.exceptions import (
    DataInvalid,
    InvalidState,
    NotAvailableOnline,
)
from chinhquyen.eforms.models import (
    ApplicationDraft,
    DraftFile,
    FormVersion,
    OnlineService,
    Submission,
)
from chinhquyen.procedures.choices import OnlineMode

NATIONAL_PORTAL_URL = "https://dichvucong.gov.vn/"


# --- Citizen profile ----------------------------------------------------------------------


def applicant_of(user) -> dict[str, Any]:
    """The applicant dict ``receive_dossier`` accepts, from the citizen's account and profile
    (``citizens.services.applicant_profile``)."""
    from chinhquyen.citizens.services import applicant_profile

    return applicant_profile(user)


def profile_of(user) -> dict[str, Any]:
    """The facts forms may pre-fill (``x-prefill``): full_name, id_number, phone, email,
    address, birth_date."""
    from chinhquyen.citizens.services import citizen_profile

    applicant = applicant_of(user)
    profile = citizen_profile(user)
    return {
        "full_name": applicant.get("name") or "",
        "id_number": applicant.get("id_number") or "",
        "phone": applicant.get("phone") or "",
        "email": applicant.get("email") or "",
        "address": applicant.get("address") or "",
        "birth_date": getattr(profile, "birth_date", None),
    }


# --- Availability -------------------------------------------------------------------------


@dataclass
class Availability:
    """What the portal offers for a procedure right now."""

    procedure: Any
    version: Any = None  # procedure version in force
    service: OnlineService | None = None
    form: FormVersion | None = None
    available: bool = False
    national_portal_url: str = ""
    reason: str = ""
    agencies: list = field(default_factory=list)

    @property
    def partial(self) -> bool:
        return self.version is not None and self.version.online_mode == OnlineMode.PARTIAL


def form_in_force(procedure, at: datetime.datetime | None = None) -> FormVersion | None:
    """The published form version with the greatest ``effective_from`` not after ``at``."""
    at = at or timezone.now()
    return (
        FormVersion.objects.filter(
            procedure=procedure, status=FormStatus.PUBLISHED, effective_from__lte=at
        )
        .order_by("-effective_from", "-number")
        .first()
    )


def availability(procedure, at: datetime.datetime | None = None) -> Availability:
    from chinhquyen.procedures.errors import NoVersionInForce
    from chinhquyen.procedures.services import version_in_force

    result = Availability(procedure=procedure)
    try:
        result.version = version_in_force(procedure, at)
    except NoVersionInForce:
        result.reason = bilingual(_("This procedure is not in force."))
        return result
    result.service = OnlineService.objects.filter(procedure=procedure).first()
    if result.version.online_mode not in (OnlineMode.FULL, OnlineMode.PARTIAL):
        result.reason = bilingual(
            _("This procedure cannot be applied for online; apply at the agency's counter.")
        )
        return result
    if result.service is not None and result.service.national_portal:
        result.national_portal_url = result.service.national_portal_url or NATIONAL_PORTAL_URL
        result.reason = bilingual(
            _("Apply for this procedure on the national public service portal.")
        )
        return result
    result.form = form_in_force(procedure, at)
    if result.form is None:
        result.reason = bilingual(_("The online form of this procedure is not available yet."))
        return result
    result.agencies = [
        a for a in result.version.implementing_agencies.order_by("name") if a.qcvn_code
    ]
    if not result.agencies:
        result.reason = bilingual(_("No agency receives this procedure online yet."))
        return result
    result.available = True
    return result


def counter_components(version) -> list:
    """Components whose originals must still be brought to the counter (partial online)."""
    return [c for c in version.components.all() if c.originals > 0]


# --- Back office: forms -------------------------------------------------------------------


def save_form_draft(*, procedure, schema_text: str, acting_user) -> FormVersion:
    """Check the JSON text and store it as the procedure's draft form (created if needed).

    Raises ``SchemaInvalid`` (bilingual) with nothing saved.
    """
    schema = schemas.parse_schema_text(schema_text)
    with audited_atomic():
        draft = (
            FormVersion.objects.select_for_update()
            .filter(procedure=procedure, status=FormStatus.DRAFT)
            .first()
        )
        before = draft.schema if draft else None
        if draft is None:
            last = FormVersion.objects.filter(procedure=procedure).aggregate(n=Max("number"))["n"]
            draft = FormVersion(procedure=procedure, number=(last or 0) + 1, created_by=acting_user)
        draft.schema = schema
        with skip_capture(FormVersion):
            draft.save()
        log_action(
            "eforms.save_form_draft",
            target=draft,
            actor=acting_user,
            before={"schema": before} if before is not None else None,
            after={"schema": schema},
            details={"procedure": procedure.national_code, "number": draft.number},
        )
    return draft


def publish_form(
    form_version: FormVersion, *, effective_from: datetime.datetime, acting_user
) -> FormVersion:
    """Publish a draft form from ``effective_from`` (after the last published one)."""
    with audited_atomic():
        form_version = FormVersion.objects.select_for_update().get(pk=form_version.pk)
        if form_version.status != FormStatus.DRAFT:
            raise InvalidState(
                bilingual(_("Published forms cannot be changed; edit a new draft instead.")),
                code="published",
            )
        schemas.check_schema(form_version.schema)
        last = (
            FormVersion.objects.filter(
                procedure_id=form_version.procedure_id, status=FormStatus.PUBLISHED
            )
            .order_by("-effective_from")
            .first()
        )
        if last is not None and effective_from <= last.effective_from:
            raise InvalidState(
                bilingual(
                    _("The form must come into force after the version in force from %(at)s."),
                    at=timezone.localtime(last.effective_from).strftime("%d/%m/%Y %H:%M"),
                ),
                code="effective_from",
            )
        form_version.status = FormStatus.PUBLISHED
        form_version.effective_from = effective_from
        form_version.published_at = timezone.now()
        form_version.published_by = acting_user
        form_version.save()
        log_action(
            "eforms.publish_form",
            target=form_version,
            actor=acting_user,
            details={"effective_from": effective_from.isoformat(), "number": form_version.number},
        )
    return form_version


def set_online_service(
    *,
    procedure,
    national_portal: bool,
    national_portal_url: str = "",
    counter_note: str = "",
    counter_note_en: str = "",
    acting_user,
) -> OnlineService:
    """Set whether the national portal serves ``procedure`` and what to bring to the counter."""
    with audited_atomic():
        service, _created = OnlineService.objects.select_for_update().get_or_create(
            procedure=procedure
        )
        service.national_portal = national_portal
        service.national_portal_url = national_portal_url.strip()
        service.counter_note = counter_note.strip()
        service.counter_note_en = counter_note_en.strip()
        service.save()
        log_action(
            "eforms.set_online_service",
            target=service,
            actor=acting_user,
            details={"procedure": procedure.national_code, "national_portal": national_portal},
        )
    return service


# --- Citizens: drafts ---------------------------------------------------------------------


def _require_owner(draft: ApplicationDraft, user) -> None:
    from django.core.exceptions import PermissionDenied

    if not is_citizen(user) or draft.citizen_id != user.pk:
        raise PermissionDenied


def start_application(*, procedure, acting_user, at: datetime.datetime | None = None):
    """Open a draft of the form in force, pre-filled from the citizen's profile."""
    from django.core.exceptions import PermissionDenied

    if not is_citizen(acting_user):
        raise PermissionDenied
    found = availability(procedure, at)
    if not found.available:
        raise NotAvailableOnline(found.reason, code="not_online")
    data = schemas.prefilled(found.form.schema, profile_of(acting_user))
    with audited_atomic():
        draft = ApplicationDraft.objects.create(
            citizen=acting_user,
            procedure=procedure,
            form_version=found.form,
            receiving_agency=found.agencies[0] if len(found.agencies) == 1 else None,
            data=data,
            updated_at=timezone.now(),
        )
        log_action(
            "eforms.start_application",
            target=draft,
            actor=acting_user,
            details={"procedure": procedure.national_code, "form": found.form.number},
        )
    return draft


def save_draft_data(
    draft: ApplicationDraft, *, data: dict, acting_user, receiving_agency=None
) -> ApplicationDraft:
    """Store the answers as they are (not validated: a draft may be incomplete or wrong)."""
    _require_owner(draft, acting_user)
    values: dict[str, Any] = {"data": data, "updated_at": timezone.now()}
    if receiving_agency is not None:
        values["receiving_agency"] = receiving_agency
    with transaction.atomic(), skip_capture(ApplicationDraft):
        ApplicationDraft.objects.filter(pk=draft.pk).update(**values)
    for name, value in values.items():
        setattr(draft, name, value)
    return draft


def attach_file(draft: ApplicationDraft, *, component, uploaded, acting_user) -> DraftFile:
    """Check an uploaded file (type from its bytes, size) and keep it for ``component``,
    replacing an earlier one. Raises ``UploadRefused`` before anything is stored."""
    from chinhquyen.dossiers.exceptions import UploadRefused
    from chinhquyen.dossiers.services.common import files_removed_on_error, save_file

    _require_owner(draft, acting_user)
    if component.version.procedure_id != draft.procedure_id:
        raise UploadRefused(bilingual(_("Unknown component.")), code="component_unknown")
    checked = check_upload(uploaded, label=component.name)
    old_names = []
    with files_removed_on_error() as saved, audited_atomic():
        for old in DraftFile.objects.filter(draft=draft, component=component):
            old_names.append(old.file.name)
            old.delete()
        item = DraftFile(
            draft=draft,
            component=component,
            original_name=checked.name,
            sha256=checked.sha256,
            size=checked.size,
            content_type=checked.content_type,
            uploaded_at=timezone.now(),
        )
        save_file(item.file, checked.name, checked.content, saved)
        item.save()
        ApplicationDraft.objects.filter(pk=draft.pk).update(updated_at=timezone.now())
        log_action(
            "eforms.attach_file",
            target=draft,
            actor=acting_user,
            details={"component": component.pk, "sha256": checked.sha256, "size": checked.size},
        )
    _delete_after_commit(item.file.storage, old_names)
    return item


def remove_file(draft_file: DraftFile, *, acting_user) -> None:
    draft = draft_file.draft
    _require_owner(draft, acting_user)
    name = draft_file.file.name
    storage = draft_file.file.storage
    with audited_atomic():
        draft_file.delete()
        log_action(
            "eforms.remove_file",
            target=draft,
            actor=acting_user,
            details={"component": draft_file.component_id},
        )
    _delete_after_commit(storage, [name])


def delete_draft(draft: ApplicationDraft, *, acting_user) -> None:
    _require_owner(draft, acting_user)
    files = list(draft.files.all())
    with audited_atomic():
        log_action(
            "eforms.delete_draft",
            target=draft,
            actor=acting_user,
            details={"procedure": draft.procedure.national_code},
        )
        draft.delete()
    for item in files:
        _delete_after_commit(item.file.storage, [item.file.name])


def _delete_after_commit(storage, names: list[str]) -> None:
    def remove():
        for name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(remove)


def draft_errors(draft: ApplicationDraft) -> dict[str, list[str]]:
    """Errors of the draft's answers against its form version (empty: ready to submit)."""
    return schemas.validate_data(draft.form_version.schema, draft.data)


def missing_components(draft: ApplicationDraft, version) -> list:
    from chinhquyen.procedures.choices import ComponentRequirement

    present = {f.component_id for f in draft.files.all()}
    return [
        c
        for c in version.components.all()
        if c.requirement == ComponentRequirement.REQUIRED and c.pk not in present
    ]


def submit_draft(draft: ApplicationDraft, *, acting_user, at: datetime.datetime | None = None):
    """Validate the draft and file it through ``receive_dossier`` (channel online).

    Returns the ``Submission``. Raises ``DataInvalid`` (errors per field), ``IntakeRefused`` /
    ``UploadRefused`` from the intake service, or ``NotAvailableOnline``; nothing is saved then
    and the draft stays as it was.
    """
    from chinhquyen.dossiers.services.intake import receive_dossier

    _require_owner(draft, acting_user)
    at = at or timezone.now()
    found = availability(draft.procedure, at)
    if found.version is None or (not found.available and found.form is None):
        raise NotAvailableOnline(found.reason, code="not_online")
    form_schema = draft.form_version.schema
    errors = schemas.validate_data(form_schema, draft.data)
    agency = draft.receiving_agency
    if agency is None or agency not in found.agencies:
        errors.setdefault("receiving_agency", []).append(str(_("Choose the agency to apply to.")))
    if errors:
        raise DataInvalid(
            bilingual(_("Some answers are missing or not valid.")), code="data", errors=errors
        )
    applicant = applicant_of(acting_user)
    applicant.update(schemas.applicant_values(form_schema, draft.data))
    own = {c.pk for c in found.version.components.all()}
    files = list(draft.files.select_related("component"))
    components = []
    for item in files:
        if item.component_id not in own:
            continue  # a component of an earlier procedure version
        with item.file.open("rb") as handle:
            content = handle.read()
        components.append(
            (
                item.component,
                SimpleUploadedFile(item.original_name, content, content_type=item.content_type),
            )
        )
    with audited_atomic():
        dossier = receive_dossier(
            procedure=draft.procedure,
            receiving_agency=agency,
            channel=Channel.ONLINE,
            applicant=applicant,
            components=components,
            received_at=at,
            acting_user=acting_user,
        )
        submission = Submission.objects.create(
            dossier=dossier,
            form_version=draft.form_version,
            citizen=acting_user,
            data=draft.data,
            submitted_at=at,
        )
        log_action(
            "eforms.submit_draft",
            target=submission,
            actor=acting_user,
            details={"dossier": dossier.code, "form": draft.form_version.number},
        )
        draft.delete()
    for item in files:
        _delete_after_commit(item.file.storage, [item.file.name])
    return submission
