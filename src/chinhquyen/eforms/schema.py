"""Application forms as JSON Schema: checking a schema, rendering it, reading and validating data.

The schema is a subset of JSON Schema draft 2020-12 (see docs/eforms.md): an object whose
properties are strings (plain, ``enum``, ``format`` date / email / phone, long text), integers,
numbers, booleans, one level of nested objects (rendered as fieldsets) and arrays of simple
items (checkboxes for an ``enum``, else a few text inputs). Labels: ``title`` (Vietnamese) and
``x-title-en``; hints: ``description`` and ``x-description-en``. The ``jsonschema`` library
checks the schema against the 2020-12 meta-schema and validates the data; its errors are mapped
per keyword to translated messages, keyed by the field's dotted path.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.eforms.exceptions import SchemaInvalid

META_SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"
SIMPLE_TYPES = ("string", "integer", "number", "boolean")
WIDGETS = ("text", "textarea", "select", "radio")
LONG_TEXT_LENGTH = 255
PREFILL_KEYS = ("full_name", "id_number", "phone", "email", "address", "birth_date")
APPLICANT_KEYS = ("name", "id_number", "phone", "email", "address")
AUTOCOMPLETE = {
    "full_name": "name",
    "phone": "tel",
    "email": "email",
    "address": "street-address",
    "birth_date": "bday",
}
PHONE_RE = re.compile(r"^(\+84|0)[1-9][0-9]{8,9}$")
THOUSANDS_RE = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
DMY_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
FIELD_PREFIX = "f."

FORMAT_CHECKER = FormatChecker(formats=())


@FORMAT_CHECKER.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    import datetime

    if not isinstance(value, str):
        return True
    datetime.date.fromisoformat(value)
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


@FORMAT_CHECKER.checks("email", raises=ValidationError)
def _is_email(value: object) -> bool:
    if isinstance(value, str):
        validate_email(value)
    return True


@FORMAT_CHECKER.checks("phone")
def _is_phone(value: object) -> bool:
    return not isinstance(value, str) or bool(PHONE_RE.match(value))


# --- Checking a schema --------------------------------------------------------------------


def parse_schema_text(text: str) -> dict:
    """Parse and check the JSON text of a form; raise ``SchemaInvalid`` (bilingual)."""
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemaInvalid(
            bilingual(
                _("The text is not valid JSON: %(error)s (line %(line)s, column %(column)s)."),
                error=exc.msg,
                line=exc.lineno,
                column=exc.colno,
            ),
            code="json_invalid",
        ) from exc
    check_schema(schema)
    return schema


def _where(path) -> str:
    return "/".join(str(p) for p in path) or "/"


def check_schema(schema: Any) -> None:
    """Check ``schema`` against the 2020-12 meta-schema and the subset this portal renders."""
    if not isinstance(schema, dict):
        raise SchemaInvalid(bilingual(_("The form must be a JSON object.")), code="not_object")
    declared = schema.get("$schema", META_SCHEMA_URI)
    if declared != META_SCHEMA_URI:
        raise SchemaInvalid(
            bilingual(
                _("Only JSON Schema draft 2020-12 is supported (“$schema”: “%(uri)s”)."),
                uri=META_SCHEMA_URI,
            ),
            code="draft_unsupported",
        )
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise SchemaInvalid(
            bilingual(
                _("The form is not a valid JSON Schema at %(path)s: %(error)s"),
                path=_where(exc.absolute_path),
                error=exc.message,
            ),
            code="schema_invalid",
        ) from exc
    problems: list[str] = []
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        problems.append(bilingual(_("The form must have “type”: “object” and “properties”.")))
    else:
        _check_properties(schema, "", depth=0, problems=problems)
    if problems:
        raise SchemaInvalid(" ".join(problems), code="subset", errors={"schema": problems})


def _check_properties(node: dict, prefix: str, *, depth: int, problems: list[str]) -> None:
    if not node.get("properties"):
        problems.append(bilingual(_("“%(path)s” has no properties."), path=prefix or "/"))
    for name, child in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            problems.append(
                bilingual(_("Property name “%(path)s”: use letters, digits and _ only."), path=path)
            )
            continue
        if not isinstance(child, dict):
            problems.append(bilingual(_("“%(path)s” must be an object."), path=path))
            continue
        kind = child.get("type")
        if kind == "object":
            if depth >= 1:
                problems.append(
                    bilingual(_("“%(path)s”: only one level of nested objects."), path=path)
                )
            else:
                _check_properties(child, f"{path}.", depth=depth + 1, problems=problems)
        elif kind == "array":
            items = child.get("items")
            if not isinstance(items, dict) or items.get("type") not in SIMPLE_TYPES:
                problems.append(
                    bilingual(
                        _("“%(path)s”: arrays need “items” of type string, integer or number."),
                        path=path,
                    )
                )
            elif items.get("type") == "boolean":
                problems.append(
                    bilingual(_("“%(path)s”: arrays of booleans are not supported."), path=path)
                )
        elif kind not in SIMPLE_TYPES:
            problems.append(
                bilingual(
                    _(
                        "“%(path)s”: “type” must be one of string, integer, number, boolean, "
                        "object, array."
                    ),
                    path=path,
                )
            )
            continue
        titles = child.get("x-enum-titles"), child.get("x-enum-titles-en")
        enum = child.get("enum") or (child.get("items") or {}).get("enum")
        for extra in titles:
            if extra is not None and (not isinstance(enum, list) or len(extra) != len(enum)):
                problems.append(
                    bilingual(
                        _("“%(path)s”: “x-enum-titles” must have one title per “enum” value."),
                        path=path,
                    )
                )
        widget = child.get("x-widget")
        if widget is not None and widget not in WIDGETS:
            problems.append(
                bilingual(
                    _("“%(path)s”: “x-widget” must be one of %(widgets)s."),
                    path=path,
                    widgets=", ".join(WIDGETS),
                )
            )
        prefill = child.get("x-prefill")
        if prefill is not None and prefill not in PREFILL_KEYS:
            problems.append(
                bilingual(
                    _("“%(path)s”: “x-prefill” must be one of %(keys)s."),
                    path=path,
                    keys=", ".join(PREFILL_KEYS),
                )
            )
        applicant = child.get("x-applicant")
        if applicant is not None and applicant not in APPLICANT_KEYS:
            problems.append(
                bilingual(
                    _("“%(path)s”: “x-applicant” must be one of %(keys)s."),
                    path=path,
                    keys=", ".join(APPLICANT_KEYS),
                )
            )


def walk(schema: dict, prefix: str = ""):
    """Yield ``(dotted path, node)`` of every property that holds a value (not objects)."""
    for name, node in (schema.get("properties") or {}).items():
        path = f"{prefix}{name}"
        if node.get("type") == "object":
            yield from walk(node, f"{path}.")
        else:
            yield path, node


def get_path(data: dict, path: str) -> Any:
    current: Any = data
    for part in path.split("."):
        if not isinstance(current, dict) or part not in current:
            return None
        current = current[part]
    return current


def set_path(data: dict, path: str, value: Any) -> None:
    parts = path.split(".")
    current = data
    for part in parts[:-1]:
        current = current.setdefault(part, {})
    current[parts[-1]] = value


def prefilled(schema: dict, profile: dict) -> dict:
    """Initial data: each ``x-prefill`` property from the citizen's profile."""
    data: dict = {}
    for path, node in walk(schema):
        key = node.get("x-prefill")
        value = profile.get(key) if key else None
        if value not in (None, ""):
            set_path(data, path, value if not hasattr(value, "isoformat") else value.isoformat())
    return data


def applicant_values(schema: dict, data: dict) -> dict:
    """Applicant facts (``x-applicant``) found in the data, for the dossier."""
    found = {}
    for path, node in walk(schema):
        key = node.get("x-applicant")
        value = get_path(data, path)
        if key and value not in (None, ""):
            found[key] = str(value)
    return found


# --- Reading posted data ------------------------------------------------------------------


def _convert(node: dict, raw: str) -> Any:
    """A posted text converted to the JSON type of ``node``; unconvertible text is kept so
    that validation reports it next to its field (and a draft loses nothing)."""
    raw = raw.strip()
    kind = node.get("type")
    enum = node.get("enum")
    if enum is not None:
        for option in enum:
            if str(option) == raw:
                return option
        return raw
    if kind == "integer":
        digits = raw.replace(" ", "")
        if THOUSANDS_RE.match(digits):  # 1.000 (Vietnamese thousands separator)
            digits = digits.replace(".", "")
        try:
            return int(digits)
        except ValueError:
            return raw
    if kind == "number":
        try:
            number = float(raw.replace(" ", "").replace(",", "."))
        except ValueError:
            return raw
        return int(number) if number.is_integer() else number
    if node.get("format") == "date":
        match = DMY_RE.match(raw)
        if match:
            day, month, year = match.groups()
            return f"{year}-{int(month):02d}-{int(day):02d}"
    if node.get("format") == "phone":
        return re.sub(r"[\s.()-]", "", raw)
    return raw


def data_from_post(schema: dict, post) -> dict:
    """The form data from a POST (``f.<path>`` names); empty fields are left out."""
    return _object_from_post(schema, post, "")


def _object_from_post(node: dict, post, prefix: str) -> dict:
    data: dict = {}
    for name, child in (node.get("properties") or {}).items():
        path = f"{prefix}{name}"
        key = FIELD_PREFIX + path
        kind = child.get("type")
        if kind == "object":
            inner = _object_from_post(child, post, f"{path}.")
            if inner:
                data[name] = inner
        elif kind == "boolean":
            data[name] = post.get(key) in ("true", "on", "1")
        elif kind == "array":
            items = child.get("items") or {}
            values = [_convert(items, str(v)[:10000]) for v in post.getlist(key) if str(v).strip()]
            if values:
                data[name] = values
        else:
            raw = str(post.get(key, ""))[:10000]
            if raw.strip():
                data[name] = _convert(child, raw)
    return data


# --- Validating data ----------------------------------------------------------------------


def _limit_message(keyword: str, limit: Any) -> str:
    messages = {
        "minLength": _("Enter at least %(limit)s characters."),
        "maxLength": _("Enter at most %(limit)s characters."),
        "minimum": _("Enter a value of at least %(limit)s."),
        "maximum": _("Enter a value of at most %(limit)s."),
        "exclusiveMinimum": _("Enter a value greater than %(limit)s."),
        "exclusiveMaximum": _("Enter a value less than %(limit)s."),
        "minItems": _("Give at least %(limit)s items."),
        "maxItems": _("Give at most %(limit)s items."),
        "multipleOf": _("Enter a multiple of %(limit)s."),
    }
    return str(messages[keyword]) % {"limit": limit}


def _localised(node: dict, key: str) -> str:
    english = (translation.get_language() or "vi").startswith("en")
    if english:
        return node.get(f"{key}-en") or ""
    return node.get(key) or ""


def error_message(keyword: str, node: dict, validator_value: Any) -> str:
    """The message (active language) for a failed ``keyword`` on the field ``node``."""
    kind = node.get("type")
    if keyword == "required":
        return gettext("This field is required.")
    if keyword == "type":
        return {
            "integer": gettext("Enter a whole number."),
            "number": gettext("Enter a number."),
            "boolean": gettext("Choose yes or no."),
        }.get(kind, gettext("This value is not valid."))
    if keyword in (
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minItems",
        "maxItems",
        "multipleOf",
    ):
        return _limit_message(keyword, validator_value)
    if keyword == "pattern":
        custom = _localised(node, "x-pattern-message")
        return custom or gettext("The value is not in the expected format.")
    if keyword == "format":
        return {
            "date": gettext("Enter a valid date, for example 31/12/1990."),
            "email": gettext("Enter a valid e-mail address, for example ten@example.vn."),
            "phone": gettext("Enter a valid phone number, for example 0912345678."),
        }.get(validator_value, gettext("The value is not in the expected format."))
    if keyword == "enum":
        return gettext("Choose one of the options.")
    if keyword == "const":
        if validator_value is True:
            return gettext("You must tick this box to continue.")
        return gettext("This value is not allowed.")
    if keyword == "uniqueItems":
        return gettext("Each item may be given only once.")
    return gettext("This value is not valid.")


def _node_at(schema: dict, path: str) -> dict:
    node = schema
    for part in path.split("."):
        node = (node.get("properties") or {}).get(part, {})
    return node


def validate_data(schema: dict, data: dict) -> dict[str, list[str]]:
    """Errors of ``data`` against ``schema``: ``{dotted field path: [messages]}`` ("" = form)."""
    validator = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
    errors: dict[str, list[str]] = {}
    for error in validator.iter_errors(data):
        parts: list[str] = []
        for part in error.absolute_path:
            if isinstance(part, int):
                break  # an item of an array: the message goes to the array field
            parts.append(str(part))
        if error.validator == "required":
            present = error.instance if isinstance(error.instance, dict) else {}
            for missing in error.validator_value:
                if missing not in present:
                    key = ".".join([*parts, missing])
                    node = _node_at(schema, key)
                    # A missing fieldset: the message goes to each of its required fields.
                    keys = [f"{key}.{child}" for child in node.get("required") or []]
                    for each in keys if node.get("type") == "object" else [key]:
                        message = error_message("required", {}, None)
                        # jsonschema reports each missing property with the whole list
                        if message not in errors.get(each, []):
                            errors.setdefault(each, []).append(message)
            continue
        key = ".".join(parts)
        node = _node_at(schema, key) if key else schema
        if len(parts) < len(error.absolute_path):
            node = {
                **node.get("items", {}),
                "x-pattern-message": node.get("x-pattern-message"),
                "x-pattern-message-en": node.get("x-pattern-message-en"),
            }
        message = error_message(error.validator, node, error.validator_value)
        if message not in errors.get(key, []):
            errors.setdefault(key, []).append(message)
    return errors


# --- Rendering ----------------------------------------------------------------------------


@dataclass
class Field:
    """One field (or fieldset) of a rendered form; the templates read these."""

    key: str
    kind: str  # text textarea checkbox select radio checkboxes list fieldset
    label: str
    hint: str = ""
    required: bool = False
    input_type: str = "text"
    inputmode: str = ""
    autocomplete: str = ""
    value: str = ""
    values: list[str] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return FIELD_PREFIX + self.key

    @property
    def id(self) -> str:
        return "f-" + self.key.replace(".", "-").replace("_", "-")

    @property
    def describedby(self) -> str:
        ids = []
        if self.hint:
            ids.append(f"{self.id}-hint")
        if self.errors:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


def label_of(node: dict, fallback: str) -> str:
    english = (translation.get_language() or "vi").startswith("en")
    if english:
        return node.get("x-title-en") or node.get("title") or fallback
    return node.get("title") or node.get("x-title-en") or fallback


def hint_of(node: dict) -> str:
    english = (translation.get_language() or "vi").startswith("en")
    if english:
        return node.get("x-description-en") or node.get("description") or ""
    return node.get("description") or node.get("x-description-en") or ""


def _choices(node: dict) -> list[tuple[str, str]]:
    enum = node.get("enum") or []
    english = (translation.get_language() or "vi").startswith("en")
    titles = (node.get("x-enum-titles-en") if english else None) or node.get("x-enum-titles")
    titles = titles or node.get("x-enum-titles-en") or [str(v) for v in enum]
    return [(str(v), str(t)) for v, t in zip(enum, titles, strict=False)]


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def build_fields(
    schema: dict, data: dict | None = None, errors: dict[str, list[str]] | None = None
) -> list[Field]:
    """The fields of ``schema`` with the values of ``data`` and the ``errors`` per path."""
    return _build(schema, data or {}, errors or {}, "")


def _build(node: dict, data: dict, errors: dict, prefix: str) -> list[Field]:
    fields = []
    required = set(node.get("required") or [])
    for name, child in (node.get("properties") or {}).items():
        key = f"{prefix}{name}"
        value = data.get(name) if isinstance(data, dict) else None
        fields.append(_field(key, child, value, errors, name in required))
    return fields


def _field(key: str, node: dict, value: Any, errors: dict, required: bool) -> Field:
    kind = node.get("type")
    f = Field(
        key=key,
        kind="text",
        label=label_of(node, key.rsplit(".", 1)[-1]),
        hint=hint_of(node),
        required=required,
        errors=list(errors.get(key, [])),
    )
    prefill = node.get("x-prefill")
    f.autocomplete = node.get("x-autocomplete") or AUTOCOMPLETE.get(prefill or "", "")
    if kind == "object":
        f.kind = "fieldset"
        f.children = _build(node, value if isinstance(value, dict) else {}, errors, f"{key}.")
        return f
    if kind == "boolean":
        f.kind = "checkbox"
        f.value = "true" if value is True else ""
        return f
    if kind == "array":
        items = node.get("items") or {}
        current = [_display(v) for v in value] if isinstance(value, list) else []
        if items.get("enum") is not None:
            f.kind = "checkboxes"
            f.choices = _choices(items)
        else:
            f.kind = "list"
            most = node.get("maxItems") or 10
            count = min(most, max(len(current) + 1, node.get("minItems") or 1, 3))
            current = current + [""] * (count - len(current))
            f.inputmode = _inputmode(items)
        f.values = current
        return f
    f.value = _display(value)
    widget = node.get("x-widget")
    if node.get("enum") is not None:
        f.choices = _choices(node)
        f.kind = (
            widget
            if widget in ("select", "radio")
            else ("radio" if len(f.choices) <= 4 else "select")
        )
        return f
    if widget == "textarea" or (
        kind == "string" and (node.get("maxLength") or 0) > LONG_TEXT_LENGTH and widget != "text"
    ):
        f.kind = "textarea"
    fmt = node.get("format")
    if fmt == "date":
        f.input_type = "date"
    elif fmt == "email":
        f.input_type = "email"
        f.autocomplete = f.autocomplete or "email"
    elif fmt == "phone":
        f.input_type = "tel"
        f.autocomplete = f.autocomplete or "tel"
    f.inputmode = _inputmode(node)
    for keyword, attr in (("maxLength", "maxlength"), ("minimum", "min"), ("maximum", "max")):
        if keyword in node and (kind != "string" or keyword == "maxLength"):
            f.attrs[attr] = node[keyword]
    return f


def _inputmode(node: dict) -> str:
    return {"integer": "numeric", "number": "decimal"}.get(node.get("type"), "")


def flat_values(schema: dict, data: dict) -> list[tuple[str, str]]:
    """(label, display value) of every answered field, for the review page."""
    rows = []
    for path, node in walk(schema):
        value = get_path(data, path)
        if value in (None, "", []):
            continue
        if node.get("type") == "boolean":
            shown = gettext("Yes") if value else gettext("No")
        elif node.get("type") == "array":
            labels = dict(_choices(node.get("items") or {}))
            shown = ", ".join(labels.get(_display(v), _display(v)) for v in value)
        elif node.get("enum") is not None:
            shown = dict(_choices(node)).get(_display(value), _display(value))
        else:
            shown = _display(value)
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        label = label_of(node, path)
        if parent:
            label = f"{label_of(_node_at(schema, parent), parent)} — {label}"
        rows.append((label, shown))
    return rows
