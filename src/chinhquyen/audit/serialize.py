"""Model instances as JSON snapshots for the audit trail, with secrets masked.

A snapshot holds every concrete field by name (a foreign key as the related primary key).
Fields that look like secrets — a name part among ``password``, ``secret``, ``token``, ``key``,
``salt``, ``pin``, ``credentials`` — or that the model lists in ``audit_mask_fields`` are stored
as ``"***"``; that a secret changed is still recorded (its name in ``details["changed"]``).
A model can leave fields out entirely with ``audit_exclude_fields``.
"""

import datetime
import decimal
import math
import uuid
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.duration import duration_iso_string
from django.utils.functional import Promise

MASK = "***"
SENSITIVE_NAME_PARTS = frozenset(
    {"password", "passwd", "secret", "token", "key", "salt", "pin", "credentials"}
)


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data (str, int, float, bool, None, list, dict)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, bytes | bytearray | memoryview):
        return {"binary_bytes": len(value)}
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(item) for item in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, models.Model):
        return jsonable(value.pk)
    if isinstance(value, Promise):
        return str(value)
    return str(value)


def is_sensitive(model: type[models.Model], field_name: str) -> bool:
    if field_name in getattr(model, "audit_mask_fields", ()):
        return True
    return any(part in SENSITIVE_NAME_PARTS for part in field_name.lower().split("_"))


def field_values(instance: models.Model) -> dict[str, Any]:
    """Unmasked JSON values of the loaded concrete fields (deferred fields are left out)."""
    model = type(instance)
    deferred = instance.get_deferred_fields()
    excluded = set(getattr(model, "audit_exclude_fields", ()))
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.attname in deferred or field.name in excluded:
            continue
        values[field.name] = jsonable(field.value_from_object(instance))
    return values


def masked(model: type[models.Model], values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {
        name: (MASK if value not in (None, "") and is_sensitive(model, name) else value)
        for name, value in values.items()
    }


def object_label(instance: models.Model) -> str:
    """``app_label.model`` of the concrete model (proxies are recorded as their concrete model)."""
    return instance._meta.concrete_model._meta.label_lower


def object_repr(instance: models.Model) -> str:
    try:
        text = str(instance)
    except Exception:  # noqa: BLE001 - a broken __str__ must not block the audited change
        text = f"{instance._meta.label_lower} #{instance.pk}"
    return text[:200]
