"""Business rules of the procedure catalogue: versions, components and fees.

A procedure's data lives in numbered versions. A version is a *draft* while it is being
prepared, *published* once it is released (it is never edited again), and *retired* when a
later published version has come into force. The version that applies at an instant is the
published (or since retired) one with the greatest ``effective_from`` not after that instant
(:func:`version_in_force`); a dossier keeps a foreign key to the version it was received under.

Every function runs in one transaction, raises a bilingual ``ValidationError`` on bad input
(nothing saved) or :class:`~chinhquyen.procedures.errors.InvalidState` when the version is not
a draft, and records the call with ``audit.services.log_action``.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import log_action
from chinhquyen.directory.services import fold
from chinhquyen.procedures.choices import (
    ComponentRequirement,
    FeeKind,
    ImplementingLevel,
    OnlineMode,
    TimeUnit,
    VersionStatus,
)
from chinhquyen.procedures.errors import InvalidState, NoVersionInForce
from chinhquyen.procedures.models import (
    Procedure,
    ProcedureComponent,
    ProcedureFee,
    ProcedureField,
    ProcedureVersion,
)
from chinhquyen.procedures.search import index_version

# National codes look like "1.001193" (national database) or older "BTP-TGI-264xxx" forms.
NATIONAL_CODE_RE = re.compile(r"^[0-9A-Z][0-9A-Z.\-_]{2,29}$")

VERSION_FIELDS = frozenset(
    {
        "name",
        "name_en",
        "field",
        "level",
        "implementing_agencies",
        "processing_time",
        "time_unit",
        "online_mode",
        "legacy_online_level",
        "result_type",
        "result_type_en",
        "legal_basis",
        "where_to_apply",
        "applicants",
        "notes",
    }
)
COMPONENT_FIELDS = frozenset(
    {
        "order",
        "name",
        "name_en",
        "originals",
        "copies",
        "requirement",
        "condition",
        "template_file",
    }
)
FEE_FIELDS = frozenset({"kind", "name", "name_en", "amount", "note"})
PUBLISHED_STATUSES = (VersionStatus.PUBLISHED, VersionStatus.RETIRED)


# --- Validation helpers -----------------------------------------------------------------


def normalise_national_code(value: Any) -> str:
    """Strip and upper-case a national code; raise a ValidationError if malformed."""
    code = str(value or "").strip().upper()
    if not code:
        raise ValidationError(
            {
                "national_code": ValidationError(
                    _("The national code is required (mã thủ tục là bắt buộc)."),
                    code="required",
                )
            }
        )
    if not NATIONAL_CODE_RE.match(code):
        raise ValidationError(
            {
                "national_code": ValidationError(
                    _(
                        "“%(code)s” is not a national procedure code such as 1.001193 (mã "
                        "“%(code)s” không phải là mã thủ tục hành chính, ví dụ 1.001193)."
                    ),
                    code="invalid_code",
                    params={"code": code},
                )
            }
        )
    return code


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None


def _unknown(changes: dict, allowed: frozenset) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s (trường không hợp lệ).") % {"fields": ", ".join(unknown)}
        )


def clean_version_values(values: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Check and normalise version fields; raise one ValidationError listing every problem."""
    _unknown(values, VERSION_FIELDS)
    cleaned = dict(values)
    errors: dict[str, list] = {}

    def error(field: str, message, code: str, **params) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code, params=params))

    if not partial or "name" in values:
        cleaned["name"] = str(values.get("name") or "").strip()
        if not cleaned["name"]:
            error("name", _("The name is required (tên thủ tục là bắt buộc)."), "required")
    if not partial or "field" in values:
        if not isinstance(values.get("field"), ProcedureField):
            error("field", _("The field is required (lĩnh vực là bắt buộc)."), "required")
    if not partial or "level" in values:
        if values.get("level") not in ImplementingLevel.values:
            error(
                "level",
                _("Choose an implementing level (chọn cấp thực hiện)."),
                "invalid_choice",
            )
    if not partial or "processing_time" in values:
        amount = _decimal(values.get("processing_time"))
        if amount is None or not amount.is_finite():
            error(
                "processing_time",
                _("The processing time must be a number (thời hạn giải quyết phải là số)."),
                "invalid",
            )
        elif amount < 0:
            error(
                "processing_time",
                _("The processing time cannot be negative (thời hạn giải quyết không được âm)."),
                "negative",
            )
        else:
            cleaned["processing_time"] = amount
    for name, choices in (("time_unit", TimeUnit), ("online_mode", OnlineMode)):
        if name in values and values[name] not in choices.values:
            error(
                name,
                _("“%(value)s” is not a valid choice (giá trị “%(value)s” không hợp lệ)."),
                "invalid_choice",
                value=values[name],
            )
    if values.get("legacy_online_level") not in (None, ""):
        level = values["legacy_online_level"]
        if not isinstance(level, int) or not 1 <= level <= 4:
            error(
                "legacy_online_level",
                _(
                    "The historic online level must be 1, 2, 3 or 4 (mức độ dịch vụ công cũ "
                    "phải là 1, 2, 3 hoặc 4)."
                ),
                "invalid",
            )
    elif "legacy_online_level" in values:
        cleaned["legacy_online_level"] = None
    if errors:
        raise ValidationError(errors)
    return cleaned


def _require_draft(version: ProcedureVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise InvalidState(
            _(
                "Version %(number)s is %(status)s: published versions are never changed; "
                "create a new version instead (phiên bản %(number)s đã công bố hoặc hết hiệu "
                "lực, không được sửa; hãy tạo phiên bản mới)."
            )
            % {"number": version.number, "status": version.get_status_display()}
        )


def _locked(version: ProcedureVersion) -> ProcedureVersion:
    """Re-read the version under a row lock (two editors cannot publish the same draft)."""
    return ProcedureVersion.objects.select_for_update().get(pk=version.pk)


def _apply_fields(version: ProcedureVersion, values: dict[str, Any]) -> None:
    agencies = values.pop("implementing_agencies", None)
    for key, value in values.items():
        setattr(version, key, value)
    version.search_name = fold(f"{version.procedure.national_code} {version.name}")[:600]
    version.full_clean(exclude=["procedure", "created_by", "published_by"])
    version.save()
    if agencies is not None:
        version.implementing_agencies.set(agencies)


def version_snapshot(version: ProcedureVersion) -> dict[str, Any]:
    """The version's data as plain JSON-able values (for the audit trail and comparisons)."""
    return {
        "name": version.name,
        "name_en": version.name_en,
        "field": version.field.code if version.field_id else None,
        "level": version.level,
        "processing_time": str(version.processing_time),
        "time_unit": version.time_unit,
        "online_mode": version.online_mode,
        "legacy_online_level": version.legacy_online_level,
        "result_type": version.result_type,
        "result_type_en": version.result_type_en,
        "legal_basis": version.legal_basis,
        "where_to_apply": version.where_to_apply,
        "applicants": version.applicants,
        "notes": version.notes,
    }


# --- Fields (lĩnh vực) ------------------------------------------------------------------


def get_or_create_field(*, code: str, name: str = "", name_en: str = "", acting_user=None):
    """The field with ``code``; created with ``name`` when unknown (a name is then required)."""
    code = str(code or "").strip()
    existing = ProcedureField.objects.filter(code=code).first()
    if existing is not None:
        return existing
    if not code or not name.strip():
        raise ValidationError(
            {
                "field": ValidationError(
                    _("An unknown field needs its code and name (lĩnh vực mới cần có mã và tên)."),
                    code="required",
                )
            }
        )
    with transaction.atomic():
        created = ProcedureField(code=code, name=name.strip(), name_en=name_en.strip())
        created.full_clean()
        created.save()
        log_action(
            "procedures.create_field", target=created, actor=acting_user, details={"code": code}
        )
    return created


# --- Versions ---------------------------------------------------------------------------


def create_procedure(*, national_code: str, acting_user, **version_fields: Any) -> ProcedureVersion:
    """Create a procedure and its first version, as a draft."""
    code = normalise_national_code(national_code)
    values = clean_version_values(version_fields)
    with transaction.atomic():
        if Procedure.objects.filter(national_code=code).exists():
            raise ValidationError(
                {
                    "national_code": ValidationError(
                        _(
                            "The procedure %(code)s is already in the catalogue (thủ tục "
                            "%(code)s đã có trong danh mục)."
                        ),
                        code="duplicate",
                        params={"code": code},
                    )
                }
            )
        procedure = Procedure.objects.create(national_code=code)
        version = ProcedureVersion(procedure=procedure, number=1, created_by=acting_user)
        _apply_fields(version, values)
        log_action(
            "procedures.create_procedure",
            target=version,
            actor=acting_user,
            details={"national_code": code},
            after=version_snapshot(version),
        )
    return version


def draft_new_version(procedure: Procedure, *, acting_user) -> ProcedureVersion:
    """A new draft copying the latest version with its components, fees and agencies."""
    with transaction.atomic():
        Procedure.objects.select_for_update().get(pk=procedure.pk)
        latest = ProcedureVersion.objects.filter(procedure=procedure).order_by("-number").first()
        if latest is None:  # pragma: no cover - create_procedure always makes version 1
            raise InvalidState(_("The procedure has no version (thủ tục chưa có phiên bản)."))
        if latest.status == VersionStatus.DRAFT:
            raise InvalidState(
                _(
                    "Version %(number)s is already a draft: edit it instead (phiên bản "
                    "%(number)s đang là dự thảo, hãy sửa phiên bản này)."
                )
                % {"number": latest.number}
            )
        agencies = list(latest.implementing_agencies.all())
        components = list(latest.components.all())
        fees = list(latest.fees.all())
        source_number = latest.number
        version = latest
        version.pk = None
        version.id = None
        version._state.adding = True
        version.number = source_number + 1
        version.status = VersionStatus.DRAFT
        version.effective_from = None
        version.published_at = None
        version.published_by = None
        version.created_by = acting_user
        version.created_at = timezone.now()
        version.save()
        version.implementing_agencies.set(agencies)
        for component in components:
            component.pk = None
            component.version = version
        ProcedureComponent.objects.bulk_create(components)
        for fee in fees:
            fee.pk = None
            fee.version = version
        ProcedureFee.objects.bulk_create(fees)
        log_action(
            "procedures.draft_new_version",
            target=version,
            actor=acting_user,
            details={"copied_from": source_number},
        )
    return version


def update_draft(version: ProcedureVersion, *, acting_user, **changes: Any) -> ProcedureVersion:
    """Change fields of a draft version (published and retired versions are immutable)."""
    values = clean_version_values(changes, partial=True)
    with transaction.atomic():
        version = _locked(version)
        _require_draft(version)
        before = version_snapshot(version)
        _apply_fields(version, values)
        log_action(
            "procedures.update_draft",
            target=version,
            actor=acting_user,
            before=before,
            after=version_snapshot(version),
        )
    return version


def publish_version(
    version: ProcedureVersion,
    *,
    effective_from: datetime.datetime | None = None,
    acting_user,
) -> ProcedureVersion:
    """Publish a draft, in force from ``effective_from`` (default: now).

    It must come into force after every version already published. Earlier published versions
    that it supersedes at the time of publishing are marked retired; when it comes into force
    later, :func:`retire_superseded_versions` marks them when run after that date (either way
    :func:`version_in_force` answers correctly for any instant).
    """
    now = timezone.now()
    effective_from = effective_from or now
    if timezone.is_naive(effective_from):
        raise ValidationError({"effective_from": _("The date needs a time zone (thiếu múi giờ).")})
    with transaction.atomic():
        Procedure.objects.select_for_update().get(pk=version.procedure_id)
        version = _locked(version)
        _require_draft(version)
        latest_in_force = ProcedureVersion.objects.filter(
            procedure_id=version.procedure_id, status__in=PUBLISHED_STATUSES
        ).aggregate(latest=Max("effective_from"))["latest"]
        if latest_in_force is not None and effective_from <= latest_in_force:
            raise ValidationError(
                {
                    "effective_from": ValidationError(
                        _(
                            "The new version must come into force after %(date)s, when the "
                            "last published version did (phiên bản mới phải có hiệu lực sau "
                            "%(date)s)."
                        ),
                        code="too_early",
                        params={"date": timezone.localtime(latest_in_force).isoformat()},
                    )
                }
            )
        version.status = VersionStatus.PUBLISHED
        version.effective_from = effective_from
        version.published_at = now
        version.published_by = acting_user
        version.save(update_fields=["status", "effective_from", "published_at", "published_by"])
        retired = _retire_superseded(version.procedure_id, now)
        index_version(version)  # the folded text the public catalogue searches
        log_action(
            "procedures.publish_version",
            target=version,
            actor=acting_user,
            details={
                "number": version.number,
                "effective_from": effective_from.isoformat(),
                "retired": retired,
            },
        )
    return version


def _retire_superseded(procedure_id: int, at: datetime.datetime) -> list[int]:
    """Mark retired the published versions older than the one in force at ``at``."""
    current = (
        ProcedureVersion.objects.filter(
            procedure_id=procedure_id, status__in=PUBLISHED_STATUSES, effective_from__lte=at
        )
        .order_by("-effective_from", "-number")
        .first()
    )
    if current is None:
        return []
    older = ProcedureVersion.objects.filter(
        procedure_id=procedure_id,
        status=VersionStatus.PUBLISHED,
        effective_from__lt=current.effective_from,
    )
    numbers = list(older.values_list("number", flat=True))
    older.update(status=VersionStatus.RETIRED)
    return numbers


def retire_superseded_versions(*, at: datetime.datetime | None = None) -> int:
    """Mark retired every published version superseded by one in force at ``at`` (idempotent).

    Only the ``status`` label changes; run it daily (or after a future-dated publication has
    come into force). Returns the number of versions retired.
    """
    at = at or timezone.now()
    count = 0
    with transaction.atomic():
        ids = (
            ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
            .values_list("procedure_id", flat=True)
            .distinct()
        )
        for procedure_id in list(ids):
            count += len(_retire_superseded(procedure_id, at))
        if count:
            log_action("procedures.retire_superseded_versions", details={"retired": count})
    return count


def version_in_force(procedure: Procedure, at: datetime.datetime | None = None) -> ProcedureVersion:
    """The version that applied at ``at`` (default now): the published or retired version with
    the greatest ``effective_from`` not after ``at``. Raises ``NoVersionInForce``."""
    at = at or timezone.now()
    version = (
        ProcedureVersion.objects.filter(
            procedure=procedure, status__in=PUBLISHED_STATUSES, effective_from__lte=at
        )
        .select_related("procedure", "field")
        .order_by("-effective_from", "-number")
        .first()
    )
    if version is None:
        raise NoVersionInForce(
            _(
                "No version of the procedure %(code)s was in force at %(at)s (thủ tục %(code)s "
                "không có phiên bản nào có hiệu lực tại thời điểm %(at)s)."
            )
            % {"code": procedure.national_code, "at": timezone.localtime(at).isoformat()}
        )
    return version


def current_versions(at: datetime.datetime | None = None):
    """Queryset of the version in force at ``at`` for every procedure (one query)."""
    from django.db.models import F, OuterRef, Subquery

    at = at or timezone.now()
    best = (
        ProcedureVersion.objects.filter(
            procedure=OuterRef("procedure"),
            status__in=PUBLISHED_STATUSES,
            effective_from__lte=at,
        )
        .order_by("-effective_from", "-number")
        .values("pk")[:1]
    )
    return (
        ProcedureVersion.objects.filter(status__in=PUBLISHED_STATUSES, effective_from__lte=at)
        .annotate(best_pk=Subquery(best))
        .filter(pk=F("best_pk"))
    )


# --- Components and fees ----------------------------------------------------------------


def _clean_component(values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    _unknown(values, COMPONENT_FIELDS)
    cleaned = dict(values)
    errors: dict[str, list] = {}
    if not partial or "name" in values:
        cleaned["name"] = str(values.get("name") or "").strip()
        if not cleaned["name"]:
            errors["name"] = [
                _("The component name is required (tên thành phần hồ sơ là bắt buộc).")
            ]
    for key in ("originals", "copies", "order"):
        if key in values:
            value = values[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                errors[key] = [_("Must be a whole number, 0 or more (phải là số nguyên không âm).")]
    if "requirement" in values and values["requirement"] not in ComponentRequirement.values:
        errors["requirement"] = [_("Choose whether it is required (chọn mức độ bắt buộc).")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_fee(values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    _unknown(values, FEE_FIELDS)
    cleaned = dict(values)
    errors: dict[str, list] = {}
    if not partial or "name" in values:
        cleaned["name"] = str(values.get("name") or "").strip()
        if not cleaned["name"]:
            errors["name"] = [_("The fee name is required (tên khoản phí là bắt buộc).")]
    if not partial or "amount" in values:
        amount = _decimal(values.get("amount"))
        if amount is None or not amount.is_finite() or amount != amount.to_integral_value():
            errors["amount"] = [
                _("The amount must be a whole number of đồng (số tiền phải là số nguyên đồng).")
            ]
        elif amount < 0:
            errors["amount"] = [_("The amount cannot be negative (số tiền không được âm).")]
        else:
            cleaned["amount"] = amount
    if "kind" in values and values["kind"] not in FeeKind.values:
        errors["kind"] = [_("Choose fee or charge (chọn phí hoặc lệ phí).")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def add_component(version: ProcedureVersion, *, acting_user, **values: Any) -> ProcedureComponent:
    """Add a dossier component to a draft (``order`` defaults to after the last one)."""
    values = _clean_component(values, partial=False)
    with transaction.atomic():
        version = _locked(version)
        _require_draft(version)
        if "order" not in values:
            last = version.components.aggregate(last=Max("order"))["last"]
            values["order"] = (last or 0) + 1
        component = ProcedureComponent.objects.create(version=version, **values)
        log_action(
            "procedures.add_component",
            target=component,
            actor=acting_user,
            details={"version": version.pk, "name": component.name},
        )
    return component


def update_component(
    component: ProcedureComponent, *, acting_user, **changes: Any
) -> ProcedureComponent:
    values = _clean_component(changes, partial=True)
    with transaction.atomic():
        _require_draft(_locked(component.version))
        component = ProcedureComponent.objects.get(pk=component.pk)
        for key, value in values.items():
            setattr(component, key, value)
        component.save()
        log_action(
            "procedures.update_component",
            target=component,
            actor=acting_user,
            details={"changed": sorted(values)},
        )
    return component


def remove_component(component: ProcedureComponent, *, acting_user) -> None:
    with transaction.atomic():
        _require_draft(_locked(component.version))
        log_action(
            "procedures.remove_component",
            target=component,
            actor=acting_user,
            details={"name": component.name, "version": component.version_id},
        )
        component.delete()


def add_fee(version: ProcedureVersion, *, acting_user, **values: Any) -> ProcedureFee:
    values = _clean_fee(values, partial=False)
    with transaction.atomic():
        version = _locked(version)
        _require_draft(version)
        fee = ProcedureFee.objects.create(version=version, **values)
        log_action(
            "procedures.add_fee",
            target=fee,
            actor=acting_user,
            details={"version": version.pk, "amount": str(fee.amount)},
        )
    return fee


def update_fee(fee: ProcedureFee, *, acting_user, **changes: Any) -> ProcedureFee:
    values = _clean_fee(changes, partial=True)
    with transaction.atomic():
        _require_draft(_locked(fee.version))
        fee = ProcedureFee.objects.get(pk=fee.pk)
        for key, value in values.items():
            setattr(fee, key, value)
        fee.save()
        log_action(
            "procedures.update_fee",
            target=fee,
            actor=acting_user,
            details={"changed": sorted(values)},
        )
    return fee


def remove_fee(fee: ProcedureFee, *, acting_user) -> None:
    with transaction.atomic():
        _require_draft(_locked(fee.version))
        log_action(
            "procedures.remove_fee",
            target=fee,
            actor=acting_user,
            details={"name": fee.name, "version": fee.version_id},
        )
        fee.delete()


def replace_components_and_fees(
    version: ProcedureVersion,
    *,
    components: list[dict[str, Any]],
    fees: list[dict[str, Any]],
    acting_user,
) -> None:
    """Replace every component and fee of a draft (used by the Excel import)."""
    cleaned_components = [_clean_component(c, partial=False) for c in components]
    cleaned_fees = [_clean_fee(f, partial=False) for f in fees]
    with transaction.atomic():
        version = _locked(version)
        _require_draft(version)
        version.components.all().delete()
        version.fees.all().delete()
        ProcedureComponent.objects.bulk_create(
            ProcedureComponent(version=version, **values) for values in cleaned_components
        )
        ProcedureFee.objects.bulk_create(
            ProcedureFee(version=version, **values) for values in cleaned_fees
        )
        log_action(
            "procedures.replace_components_and_fees",
            target=version,
            actor=acting_user,
            details={"components": len(cleaned_components), "fees": len(cleaned_fees)},
        )
