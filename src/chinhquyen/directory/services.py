"""Business rules of the directory: organisations and officials.

Every state change goes through a function here (style.md). Each runs in one transaction,
checks its rule, raises a bilingual ``ValidationError`` naming the field on bad input (nothing
saved), and records the call with ``audit.services.log_action``.

Identifier rules (domain-vn.md §4.1, §7):

* the QCVN 102:2016 code (13 characters) and the Decision 20/2020 code (≤ 35) are validated
  and unique over *all* organisations, closed ones included, so a code is never reused;
* once set, a code is never rewritten: an agency that changes identity is closed
  (``close_organisation``) and a new one is created with new codes;
* a child's QCVN level-1 part (``MX1X2``) must equal its parent's when both have codes.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from chinhquyen.accounts.choices import UserKind
from chinhquyen.audit.services import log_action
from chinhquyen.core.text import fold_words
from chinhquyen.directory.choices import OfficialStatus, OrganisationKind
from chinhquyen.directory.models import AdministrativeUnit, Official, Organisation
from chinhquyen.directory.validators import (
    qcvn102_level1,
    validate_decision20_code,
    validate_qcvn102_code,
)

CODE_FIELDS = ("qcvn_code", "decision20_code")
ORGANISATION_FIELDS = {
    "name",
    "short_name",
    "name_en",
    "kind",
    "qcvn_code",
    "decision20_code",
    "administrative_unit",
    "address",
    "phone",
    "email",
    "valid_from",
    "valid_until",
    "successor",
}
OFFICIAL_FIELDS = {"full_name", "position", "organisation", "phone", "email", "status"}


# --- Helpers ----------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower-case ``text`` without Vietnamese diacritics or punctuation, for search
    ("Sở Y tế (tỉnh)" → "so y te tinh"); the platform's one rule, ``core.text.fold_words``."""
    return fold_words(text)


def normalise_code(value: str | None) -> str | None:
    """Strip spaces and upper-case a code; empty means no code (stored as NULL)."""
    if value is None:
        return None
    value = str(value).strip().upper()
    return value or None


def search_organisations(queryset: QuerySet, query: str) -> QuerySet:
    """Organisations of ``queryset`` whose name (ignoring case and accents) or code matches."""
    query = (query or "").strip()
    if not query:
        return queryset
    folded = fold(query)
    return queryset.filter(
        Q(search_name__contains=folded)
        | Q(short_name__icontains=query)
        | Q(qcvn_code__icontains=query)
        | Q(decision20_code__icontains=query)
    )


def check_code(field: str, value: str | None, *, exclude: Organisation | None = None) -> str | None:
    """Validate and normalise one identifier; raise a ValidationError keyed by ``field``.

    The code must have the right format and must not be held by any other organisation,
    whether current or closed (codes are reserved forever).
    """
    value = normalise_code(value)
    if value is None:
        return None
    try:
        (validate_qcvn102_code if field == "qcvn_code" else validate_decision20_code)(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.error_list}) from exc
    holders = Organisation.objects.filter(**{field: value})
    if exclude is not None and exclude.pk:
        holders = holders.exclude(pk=exclude.pk)
    holder = holders.first()
    if holder is not None:
        raise ValidationError(
            {
                field: ValidationError(
                    _(
                        "The code %(code)s is already held by “%(organisation)s”; codes are "
                        "never reused (mã %(code)s đã được cấp cho “%(organisation)s”, "
                        "không được dùng lại)."
                    ),
                    code="duplicate_code",
                    params={"code": value, "organisation": holder.name},
                )
            }
        )
    return value


def check_level1_consistency(qcvn_code: str | None, parent: Organisation | None) -> None:
    """A child's QCVN 102 level-1 part (the last group) equals its parent's."""
    if not qcvn_code or parent is None or not parent.qcvn_code:
        return
    if qcvn102_level1(qcvn_code) != qcvn102_level1(parent.qcvn_code):
        raise ValidationError(
            {
                "qcvn_code": ValidationError(
                    _(
                        "The code %(code)s does not belong to the level-1 body %(level1)s of "
                        "its parent “%(parent)s” (mã %(code)s không thuộc mã cấp 1 %(level1)s "
                        "của đơn vị cấp trên “%(parent)s”)."
                    ),
                    code="level1_mismatch",
                    params={
                        "code": qcvn_code,
                        "level1": qcvn102_level1(parent.qcvn_code),
                        "parent": parent.name,
                    },
                )
            }
        )


def _field_errors(values: dict[str, Any]) -> dict[str, list]:
    errors: dict[str, list] = {}
    if "name" in values and not (values["name"] or "").strip():
        errors["name"] = [
            ValidationError(_("The name is required (tên đơn vị là bắt buộc)."), code="required")
        ]
    if "kind" in values and values["kind"] not in OrganisationKind.values:
        errors["kind"] = [
            ValidationError(
                _(
                    "“%(value)s” is not a kind of organisation (loại đơn vị không hợp lệ); "
                    "expected one of %(choices)s."
                ),
                code="invalid_kind",
                params={"value": values["kind"], "choices": ", ".join(OrganisationKind.values)},
            )
        ]
    if values.get("email"):
        try:
            validate_email(values["email"])
        except ValidationError as exc:
            errors["email"] = exc.error_list
    valid_from, valid_until = values.get("valid_from"), values.get("valid_until")
    if valid_from and valid_until and valid_until < valid_from:
        errors["valid_until"] = [
            ValidationError(
                _(
                    "The end of validity %(until)s is before its start %(since)s (ngày hết "
                    "hiệu lực %(until)s trước ngày bắt đầu hiệu lực %(since)s)."
                ),
                code="validity_order",
                params={"until": valid_until.isoformat(), "since": valid_from.isoformat()},
            )
        ]
    return errors


def _check_fields(values: dict[str, Any]) -> None:
    errors = _field_errors(values)
    if errors:
        raise ValidationError(errors)


def _unknown_fields(changes: dict, allowed: set[str]) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise TypeError(f"Unknown or non-editable fields: {', '.join(unknown)}")


# --- Organisations ----------------------------------------------------------------------


def create_organisation(
    *,
    parent: Organisation | None = None,
    name: str,
    kind: str,
    qcvn_code: str | None = None,
    decision20_code: str | None = None,
    short_name: str = "",
    name_en: str = "",
    administrative_unit: AdministrativeUnit | None = None,
    address: str = "",
    phone: str = "",
    email: str = "",
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    successor: Organisation | None = None,
    acting_user=None,
) -> Organisation:
    """Create an organisation under ``parent`` (or as a root) with validated, unique codes."""
    values: dict[str, Any] = {
        "name": (name or "").strip(),
        "kind": kind,
        "short_name": short_name.strip(),
        "name_en": name_en.strip(),
        "administrative_unit": administrative_unit,
        "address": address.strip(),
        "phone": phone.strip(),
        "email": email.strip(),
        "valid_from": valid_from,
        "valid_until": valid_until,
        "successor": successor,
    }
    with transaction.atomic():
        errors = _field_errors(values)
        for field, value in (("qcvn_code", qcvn_code), ("decision20_code", decision20_code)):
            try:
                values[field] = check_code(field, value)
            except ValidationError as exc:
                errors.update(exc.error_dict)
        if errors:
            raise ValidationError(errors)
        check_level1_consistency(values["qcvn_code"], parent)
        values["search_name"] = fold(values["name"])
        if parent is not None:
            parent = Organisation.objects.get(pk=parent.pk)  # fresh path/numchild
        organisation = (
            Organisation.objects.add_child(parent, values)
            if parent is not None
            else Organisation.objects.add_root(values)
        )
        log_action(
            "directory.create_organisation",
            target=organisation,
            actor=acting_user,
            details={
                "name": organisation.name,
                "parent": parent.pk if parent else None,
                "qcvn_code": organisation.qcvn_code,
                "decision20_code": organisation.decision20_code,
            },
        )
    return organisation


def update_organisation(
    organisation: Organisation, *, acting_user=None, **changes: Any
) -> Organisation:
    """Change fields of ``organisation``. A code that is already set is never rewritten.

    The parent is changed with ``move_organisation`` and closing with ``close_organisation``.
    """
    _unknown_fields(changes, ORGANISATION_FIELDS)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        errors: dict[str, list] = {}
        for field in CODE_FIELDS:
            if field not in changes:
                continue
            new = normalise_code(changes[field])
            current = getattr(organisation, field)
            if new == current:
                changes.pop(field)
                continue
            if current:
                errors[field] = [
                    ValidationError(
                        _(
                            "The code %(code)s of “%(organisation)s” cannot be changed: codes "
                            "are never rewritten; close the organisation and create a new one "
                            "(mã %(code)s của “%(organisation)s” không được sửa; hãy kết thúc "
                            "hiệu lực đơn vị và tạo đơn vị mới)."
                        ),
                        code="code_rewrite",
                        params={"code": current, "organisation": organisation.name},
                    )
                ]
                continue
            try:
                changes[field] = check_code(field, new, exclude=organisation)
            except ValidationError as exc:
                errors.update(exc.error_dict)
        if errors:
            raise ValidationError(errors)
        merged = {
            "valid_from": organisation.valid_from,
            "valid_until": organisation.valid_until,
        } | changes
        _check_fields(merged)
        if changes.get("qcvn_code"):
            check_level1_consistency(
                changes["qcvn_code"], Organisation.objects.get_parent(organisation, update=True)
            )
        before = {field: _plain(getattr(organisation, field)) for field in changes}
        for field, value in changes.items():
            setattr(organisation, field, value.strip() if isinstance(value, str) else value)
        organisation.search_name = fold(organisation.name)
        organisation.save()
        log_action(
            "directory.update_organisation",
            target=organisation,
            actor=acting_user,
            details={
                "before": before,
                "after": {field: _plain(getattr(organisation, field)) for field in changes},
            },
        )
    return organisation


def close_organisation(
    organisation: Organisation,
    *,
    valid_until: datetime.date,
    successor: Organisation | None = None,
    acting_user=None,
) -> Organisation:
    """End the validity of ``organisation`` (e.g. abolished in the 2025 merger).

    Its codes stay on the row, reserved forever; ``successor`` is the body taking over.
    """
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if organisation.valid_until is not None:
            raise ValidationError(
                {
                    "valid_until": ValidationError(
                        _(
                            "“%(organisation)s” is already closed since %(until)s (đơn vị "
                            "“%(organisation)s” đã hết hiệu lực từ %(until)s)."
                        ),
                        code="already_closed",
                        params={
                            "organisation": organisation.name,
                            "until": organisation.valid_until.isoformat(),
                        },
                    )
                }
            )
        if successor is not None and successor.pk == organisation.pk:
            raise ValidationError(
                {
                    "successor": ValidationError(
                        _(
                            "An organisation cannot be its own successor (đơn vị không thể "
                            "kế thừa chính nó)."
                        ),
                        code="self_successor",
                    )
                }
            )
        _check_fields({"valid_from": organisation.valid_from, "valid_until": valid_until})
        organisation.valid_until = valid_until
        organisation.successor = successor
        organisation.save(update_fields=["valid_until", "successor"])
        log_action(
            "directory.close_organisation",
            target=organisation,
            actor=acting_user,
            details={
                "valid_until": valid_until.isoformat(),
                "successor": successor.pk if successor else None,
            },
        )
    return organisation


def cycle_error(organisation: Organisation, new_parent: Organisation) -> ValidationError:
    return ValidationError(
        {
            "parent": ValidationError(
                _(
                    "“%(organisation)s” cannot be placed under “%(parent)s”, which is itself or "
                    "one of its own sub-units: that would make a cycle (không thể đặt "
                    "“%(organisation)s” dưới “%(parent)s” vì đó là chính nó hoặc đơn vị cấp "
                    "dưới của nó)."
                ),
                code="cycle",
                params={"organisation": organisation.name, "parent": new_parent.name},
            )
        }
    )


def move_organisation(
    organisation: Organisation, *, new_parent: Organisation | None, acting_user=None
) -> Organisation:
    """Place ``organisation`` (with its subtree) under ``new_parent`` (None: a root)."""
    with transaction.atomic():
        organisation = Organisation.objects.get(pk=organisation.pk)
        old_parent = Organisation.objects.get_parent(organisation, update=True)
        if new_parent is not None:
            new_parent = Organisation.objects.get(pk=new_parent.pk)
            if new_parent.path.startswith(organisation.path):
                raise cycle_error(organisation, new_parent)
        if (old_parent and old_parent.pk) == (new_parent and new_parent.pk):
            return organisation
        if new_parent is not None:
            Organisation.objects.move(organisation, new_parent, "sorted-child")
        else:
            first_root = Organisation.objects.get_first_root_node()
            Organisation.objects.move(organisation, first_root, "sorted-sibling")
        organisation = Organisation.objects.get(pk=organisation.pk)
        log_action(
            "directory.move_organisation",
            target=organisation,
            actor=acting_user,
            details={
                "from": old_parent.pk if old_parent else None,
                "to": new_parent.pk if new_parent else None,
            },
        )
    return organisation


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


# --- Officials --------------------------------------------------------------------------


def create_official(
    *,
    username: str,
    full_name: str,
    organisation: Organisation,
    position: str = "",
    phone: str = "",
    email: str = "",
    password: str | None = None,
    acting_user=None,
) -> Official:
    """Create an official's sign-in account (kind "official") and profile.

    Without ``password`` the account cannot sign in until a password is set.
    """
    User = get_user_model()
    username = (username or "").strip()
    full_name = (full_name or "").strip()
    email = (email or "").strip()
    with transaction.atomic():
        errors: dict[str, list] = {}
        if not username:
            errors["username"] = [
                ValidationError(
                    _("The username is required (tên đăng nhập là bắt buộc)."), code="required"
                )
            ]
        elif User.objects.filter(username__iexact=username).exists():
            errors["username"] = [
                ValidationError(
                    _(
                        "The username %(username)s is already taken (tên đăng nhập "
                        "%(username)s đã tồn tại)."
                    ),
                    code="duplicate_username",
                    params={"username": username},
                )
            ]
        if not full_name:
            errors["full_name"] = [
                ValidationError(_("The full name is required (họ tên là bắt buộc)."))
            ]
        if email:
            try:
                validate_email(email)
            except ValidationError as exc:
                errors["email"] = exc.error_list
        if errors:
            raise ValidationError(errors)
        user = User(
            username=username,
            kind=UserKind.OFFICIAL,
            full_name=full_name,
            email=email,
            phone=phone.strip(),
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        official = Official.objects.create(
            user=user,
            full_name=full_name,
            organisation=organisation,
            position=position.strip(),
            phone=phone.strip(),
            email=email,
        )
        log_action(
            "directory.create_official",
            target=official,
            actor=acting_user,
            details={"username": username, "organisation": organisation.pk},
        )
    return official


def update_official(official: Official, *, acting_user=None, **changes: Any) -> Official:
    """Change an official's profile; name, phone and e-mail are mirrored on the account."""
    _unknown_fields(changes, OFFICIAL_FIELDS)
    with transaction.atomic():
        official = Official.objects.select_related("user").select_for_update().get(pk=official.pk)
        errors: dict[str, list] = {}
        if "full_name" in changes and not (changes["full_name"] or "").strip():
            errors["full_name"] = [
                ValidationError(_("The full name is required (họ tên là bắt buộc)."))
            ]
        if changes.get("email"):
            try:
                validate_email(changes["email"])
            except ValidationError as exc:
                errors["email"] = exc.error_list
        if "status" in changes and changes["status"] not in OfficialStatus.values:
            errors["status"] = [
                ValidationError(
                    _("“%(value)s” is not a status (trạng thái không hợp lệ)."),
                    params={"value": changes["status"]},
                )
            ]
        if errors:
            raise ValidationError(errors)
        before = {field: _plain(getattr(official, field)) for field in changes}
        for field, value in changes.items():
            setattr(official, field, value.strip() if isinstance(value, str) else value)
        official.save()
        user = official.user
        user_fields = []
        for field in ("full_name", "phone", "email"):
            if field in changes and getattr(user, field) != getattr(official, field):
                setattr(user, field, getattr(official, field))
                user_fields.append(field)
        if user_fields:
            user.save(update_fields=user_fields)
        log_action(
            "directory.update_official",
            target=official,
            actor=acting_user,
            details={
                "before": before,
                "after": {field: _plain(getattr(official, field)) for field in changes},
            },
        )
    return official
