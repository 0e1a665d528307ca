"""Recording an agency's yearly IT inventory (kê khai hạ tầng CNTT): save, submit, reopen,
and the province's lock of a year. One transaction and one audit entry per change.

Who: the agency's IT officer (role ``it_admin`` held at the agency or above it) —
``infrastructure.change_agencyinventory`` to edit, ``infrastructure.submit_agencyinventory``
to submit or reopen; the provincial IT department locks a year
(``infrastructure.lock_inventoryyear`` held at the province's root).

Rules (each bad value gets a bilingual message on its field, and nothing is saved):
computers connected to the LAN / the Internet ≤ computers; officials with e-mail ≤ officials;
IT staff with a degree ≤ IT staff; a specialised data network or Wi-Fi needs its bandwidth /
access points and the other way round; a firewall needs its model and layers together;
training sessions and trainees go together; the number of officials defaults to the directory's
count, and a different number needs a reason. A submitted inventory is read-only until
reopened; nothing changes in a locked year (409).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.directory.models import Organisation
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.infrastructure.choices import InventoryStatus
from chinhquyen.infrastructure.errors import InvalidTransition, InventoryInvalid
from chinhquyen.infrastructure.models import AgencyInventory, InventoryYear
from chinhquyen.infrastructure.services.agencies import (
    covers_province,
    directory_official_counts,
    in_scope,
    is_reporting_agency,
)

CHANGE = "infrastructure.change_agencyinventory"
SUBMIT = "infrastructure.submit_agencyinventory"
LOCK = "infrastructure.lock_inventoryyear"

INTEGER_FIELDS = (
    "officials",
    "computers",
    "computers_lan",
    "computers_internet",
    "internet_mbps",
    "data_network_mbps",
    "firewall_layers",
    "antivirus_seats",
    "wifi_access_points",
    "officials_with_email",
    "it_staff",
    "it_staff_degrees",
    "training_sessions",
    "trainees",
)
BOOLEAN_FIELDS = ("has_lan", "data_network", "has_wifi")
TEXT_FIELDS = ("officials_reason", "firewall_model", "note")
INPUT_FIELDS = INTEGER_FIELDS + BOOLEAN_FIELDS + TEXT_FIELDS
MAXIMA = {"internet_mbps": 100_000, "data_network_mbps": 100_000, "firewall_layers": 10}
DEFAULT_MAXIMUM = 1_000_000
TEXT_MAXIMA = {"officials_reason": 500, "firewall_model": 200, "note": 5000}


def validate_values(values: dict[str, Any], *, directory_count: int) -> dict[str, list[str]]:
    """The problems of a set of inventory figures, by field (empty: valid)."""
    errors: dict[str, list[str]] = {}

    def error(field: str, message, **params) -> None:
        errors.setdefault(field, []).append(bilingual(message, **params))

    for field in INTEGER_FIELDS:
        value = values.get(field)
        if not isinstance(value, int) or isinstance(value, bool):
            error(field, _("Enter a whole number (nhập một số nguyên)."))
            continue
        maximum = MAXIMA.get(field, DEFAULT_MAXIMUM)
        if value < 0 or value > maximum:
            error(
                field,
                _("Enter a number from 0 to %(maximum)s (nhập số từ 0 đến %(maximum)s)."),
                maximum=maximum,
            )
    for field, maximum in TEXT_MAXIMA.items():
        if len(values.get(field) or "") > maximum:
            error(
                field,
                _("At most %(maximum)s characters (tối đa %(maximum)s ký tự)."),
                maximum=maximum,
            )
    if errors:
        return errors
    v = values
    if v["officials"] < 1:
        error("officials", _("An agency has at least one official (ít nhất một cán bộ)."))
    if v["officials"] != directory_count and not (v.get("officials_reason") or "").strip():
        error(
            "officials_reason",
            _(
                "The directory lists %(count)s officials: say why the number is different "
                "(danh bạ có %(count)s cán bộ: hãy nêu lý do số liệu khác)."
            ),
            count=directory_count,
        )
    for field, label in (
        ("computers_lan", _("connected to the LAN")),
        ("computers_internet", _("connected to the Internet")),
    ):
        if v[field] > v["computers"]:
            error(
                field,
                _(
                    "Computers %(what)s (%(value)s) cannot exceed the computers (%(total)s) "
                    "(số máy tính kết nối không được lớn hơn tổng số máy tính)."
                ),
                what=label,
                value=v[field],
                total=v["computers"],
            )
    if v["computers_lan"] and not v["has_lan"]:
        error(
            "has_lan",
            _(
                "Computers are connected to a LAN: tick “local area network” (có máy tính "
                "kết nối mạng LAN: hãy chọn “có mạng LAN”)."
            ),
        )
    if v["officials_with_email"] > v["officials"]:
        error(
            "officials_with_email",
            _(
                "Officials with e-mail (%(value)s) cannot exceed the officials (%(total)s) "
                "(số cán bộ có thư điện tử không được lớn hơn số cán bộ)."
            ),
            value=v["officials_with_email"],
            total=v["officials"],
        )
    if v["it_staff_degrees"] > v["it_staff"]:
        error(
            "it_staff_degrees",
            _(
                "IT staff with a degree (%(value)s) cannot exceed the IT staff (%(total)s) "
                "(số cán bộ có bằng CNTT không được lớn hơn số cán bộ chuyên trách CNTT)."
            ),
            value=v["it_staff_degrees"],
            total=v["it_staff"],
        )
    if v["data_network"] and v["data_network_mbps"] < 1:
        error(
            "data_network_mbps",
            _(
                "Give the bandwidth of the specialised data network connection (nhập băng "
                "thông kết nối mạng truyền số liệu chuyên dùng)."
            ),
        )
    if not v["data_network"] and v["data_network_mbps"]:
        error(
            "data_network",
            _(
                "A bandwidth is given: tick the specialised data network connection (đã nhập "
                "băng thông: hãy chọn “có kết nối mạng truyền số liệu chuyên dùng”)."
            ),
        )
    if v["has_wifi"] and v["wifi_access_points"] < 1:
        error(
            "wifi_access_points",
            _("Give the number of Wi-Fi access points (nhập số điểm truy cập Wi-Fi)."),
        )
    if not v["has_wifi"] and v["wifi_access_points"]:
        error(
            "has_wifi",
            _("Access points are given: tick Wi-Fi (đã nhập số điểm truy cập: hãy chọn Wi-Fi)."),
        )
    has_model = bool((v.get("firewall_model") or "").strip())
    if has_model and v["firewall_layers"] < 1:
        error(
            "firewall_layers",
            _("Give the number of firewall layers (nhập số lớp tường lửa)."),
        )
    if v["firewall_layers"] and not has_model:
        error(
            "firewall_model",
            _("Give the firewall model (nhập chủng loại tường lửa)."),
        )
    if v["training_sessions"] and not v["trainees"]:
        error("trainees", _("Give the number of trainees (nhập số lượt người được đào tạo)."))
    if v["trainees"] and not v["training_sessions"]:
        error(
            "training_sessions",
            _("Give the number of training sessions (nhập số lớp đào tạo)."),
        )
    return errors


def year_row(year: int, *, lock: bool = False) -> InventoryYear:
    queryset = InventoryYear.objects.select_for_update() if lock else InventoryYear.objects
    row, _created = queryset.get_or_create(year=year)
    return row


def is_year_locked(year: int) -> bool:
    return InventoryYear.objects.filter(year=year, locked_at__isnull=False).exists()


def _refuse_locked(year: int) -> None:
    if year_row(year, lock=True).is_locked:
        raise InvalidTransition(
            _(
                "The year %(year)s is locked: its report has been filed (năm %(year)s đã khóa "
                "số liệu)."
            ),
            year=year,
        )


def _check_year(year: int) -> None:
    today = timezone.localdate()
    if not 2000 <= year <= today.year:
        raise InvalidTransition(
            _("No inventory for the year %(year)s (không có kỳ báo cáo năm %(year)s)."),
            year=year,
        )


def snapshot(inventory: AgencyInventory) -> dict[str, Any]:
    data = {field: getattr(inventory, field) for field in INPUT_FIELDS}
    data["status"] = inventory.status
    return data


def blank_values(organisation: Organisation, *, directory_count: int | None = None) -> dict:
    """The starting figures of a new inventory: the directory's officials, zeros."""
    if directory_count is None:
        directory_count = directory_official_counts()[organisation.pk]
    values: dict[str, Any] = dict.fromkeys(INTEGER_FIELDS, 0)
    values.update(dict.fromkeys(BOOLEAN_FIELDS, False))
    values.update(dict.fromkeys(TEXT_FIELDS, ""))
    values["officials"] = directory_count
    return values


def save_inventory(
    *,
    organisation: Organisation,
    year: int,
    values: dict[str, Any],
    acting_user,
    submit: bool = False,
    directory_count: int | None = None,
) -> AgencyInventory:
    """Create or update the draft inventory of ``organisation`` for ``year`` (and submit it
    when ``submit``). Raises PermissionDenied, InvalidTransition (409), InventoryInvalid."""
    if not in_scope(acting_user, CHANGE, organisation.path):
        raise PermissionDenied
    if submit and not in_scope(acting_user, SUBMIT, organisation.path):
        raise PermissionDenied
    _check_year(year)
    if not is_reporting_agency(organisation, year):
        raise InvalidTransition(
            _(
                "%(name)s does not report on its own: its figures go in its agency's inventory "
                "(%(name)s không phải đơn vị báo cáo)."
            ),
            name=organisation.name,
        )
    unknown = set(values) - set(INPUT_FIELDS)
    if unknown:
        raise ValueError(f"unknown inventory fields: {sorted(unknown)}")
    if directory_count is None:
        directory_count = directory_official_counts()[organisation.pk]
    with audited_atomic():
        _refuse_locked(year)
        inventory = (
            AgencyInventory.objects.select_for_update()
            .filter(organisation=organisation, year=year)
            .first()
        )
        merged = (
            snapshot(inventory)
            if inventory
            else blank_values(organisation, directory_count=directory_count)
        )
        merged.pop("status", None)
        merged.update(values)
        for field in TEXT_FIELDS:
            merged[field] = (merged.get(field) or "").strip()
        errors = validate_values(merged, directory_count=directory_count)
        if errors:
            raise InventoryInvalid(errors)
        if inventory is not None and inventory.status == InventoryStatus.SUBMITTED:
            raise InvalidTransition(
                _(
                    "The inventory of %(name)s for %(year)s has been submitted: reopen it "
                    "before changing it (bản kê khai đã gửi: hãy mở lại trước khi sửa)."
                ),
                name=organisation.name,
                year=year,
            )
        before = snapshot(inventory) if inventory else None
        if inventory is None:
            inventory = AgencyInventory(organisation=organisation, year=year)
        for field, value in merged.items():
            setattr(inventory, field, value)
        inventory.officials_in_directory = directory_count
        inventory.updated_by = acting_user
        if submit:
            inventory.status = InventoryStatus.SUBMITTED
            inventory.submitted_at = timezone.now()
            inventory.submitted_by = acting_user
        inventory.save()
        log_action(
            "infrastructure.save_inventory",
            target=inventory,
            actor=acting_user,
            before=before,
            after=snapshot(inventory),
            details={"year": year, "organisation": organisation.pk, "submit": submit},
        )
    return inventory


def submit_inventory(inventory: AgencyInventory, *, acting_user) -> AgencyInventory:
    """Draft → submitted (gửi bản kê khai)."""
    if not in_scope(acting_user, SUBMIT, inventory.organisation.path):
        raise PermissionDenied
    with audited_atomic():
        _refuse_locked(inventory.year)
        inventory = AgencyInventory.objects.select_for_update().get(pk=inventory.pk)
        if inventory.status != InventoryStatus.DRAFT:
            raise InvalidTransition(
                _("The inventory is already submitted (bản kê khai đã được gửi).")
            )
        errors = validate_values(
            snapshot(inventory), directory_count=inventory.officials_in_directory
        )
        if errors:
            raise InventoryInvalid(errors)
        inventory.status = InventoryStatus.SUBMITTED
        inventory.submitted_at = timezone.now()
        inventory.submitted_by = acting_user
        inventory.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        log_action(
            "infrastructure.submit_inventory",
            target=inventory,
            actor=acting_user,
            details={"year": inventory.year},
        )
    return inventory


def reopen_inventory(inventory: AgencyInventory, *, acting_user, reason: str) -> AgencyInventory:
    """Submitted → draft, with a reason (mở lại để sửa), while the year is not locked."""
    if not in_scope(acting_user, SUBMIT, inventory.organisation.path):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise InventoryInvalid({"reason": [bilingual(_("Give a reason (hãy nêu lý do)."))]})
    with audited_atomic():
        _refuse_locked(inventory.year)
        inventory = AgencyInventory.objects.select_for_update().get(pk=inventory.pk)
        if inventory.status != InventoryStatus.SUBMITTED:
            raise InvalidTransition(_("The inventory is not submitted (bản kê khai chưa gửi)."))
        inventory.status = InventoryStatus.DRAFT
        inventory.submitted_at = None
        inventory.submitted_by = None
        inventory.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        log_action(
            "infrastructure.reopen_inventory",
            target=inventory,
            actor=acting_user,
            details={"year": inventory.year, "reason": reason[:500]},
        )
    return inventory


def set_year_lock(year: int, *, locked: bool, acting_user, note: str = "") -> InventoryYear:
    """Lock (khóa số liệu) or unlock a year; only the province's IT department may."""
    if not covers_province(acting_user, LOCK):
        raise PermissionDenied
    _check_year(year)
    note = (note or "").strip()[:500]
    if not locked and not note:
        raise InventoryInvalid(
            {"note": [bilingual(_("Say why the year is unlocked (nêu lý do mở khóa)."))]}
        )
    with audited_atomic():
        row = year_row(year, lock=True)
        if row.is_locked == locked:
            raise InvalidTransition(
                _("The year %(year)s is already locked (năm %(year)s đã khóa).")
                if locked
                else _("The year %(year)s is not locked (năm %(year)s chưa khóa)."),
                year=year,
            )
        row.locked_at = timezone.now() if locked else None
        row.locked_by = acting_user if locked else None
        row.lock_note = note
        row.save()
        log_action(
            "infrastructure.lock_year" if locked else "infrastructure.unlock_year",
            target=row,
            actor=acting_user,
            details={"year": year, "note": note},
        )
    return row
