"""Settings of the edXML layer, each with a default (read at call time, never at import).

The code values marked UNCONFIRMED in ``domain-vn.md`` §3.6/§4.2 are settings, not constants,
so a province can align them with the national axis without a code change:

``EDXML_MAX_BYTES`` (default 10 MiB)
    Largest package accepted. Note: the parser keeps libxml2's ``huge_tree=False`` protection,
    which caps one text node at 10,000,000 characters, i.e. one attachment at ~7.4 MB of raw bytes.
``EDXML_PRIORITY_CODES`` — urgency (``documents.choices.Urgency``) → the one-digit ``Priority``.
    Default ``normal 0, urgent 1, very_urgent 2, flash 3`` (UNCONFIRMED; samples use 0 = normal).
``EDXML_DOCUMENT_TYPE_CODES`` — ``DocumentType.code`` → ``DocumentType/Type``. Default: the
    position in the list of Decree 30/2020 Art. 7 (so công văn = 18, one public implementation's
    value; another uses 1) (UNCONFIRMED).
``EDXML_FALLBACK_DOCUMENT_TYPE`` — the type given to an incoming package whose Type/TypeName is
    unknown here (default ``cong-van``; the clerk corrects it at registration).
``EDXML_BUSINESS_DOC_TYPES`` — kind of package → ``BussinessDocType``. ``new`` = 0 is confirmed;
    the others (default revoke 1, update 2, replace 3) are UNCONFIRMED.
``EDXML_STATUS_CODES`` — ``StatusCode`` → ``DeliveryStatus`` (or a recall outcome): the table of
    the VPCP SDK client (UNCONFIRMED as an official list).
``EDXML_STEERING_TYPE`` — value of ``SteeringType`` (default ``0``; UNCONFIRMED).
``EDXML_TIME_ZONE`` — zone of ``yyyy/MM/dd HH:mm:ss`` timestamps (default Asia/Ho_Chi_Minh).
``EDXML_CHECK_REVOCATION`` — fetch OCSP/CRL when verifying a sender's certificate (soft-fail:
    an unreachable responder does not refuse the package). Default True.
``EDXML_REQUIRE_ORGANISATION_MATCH`` — refuse a signature whose certificate cannot be tied to
    ``From/OrganId`` at all (default False: refuse only a proven mismatch).
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings

# Decree 30/2020 Art. 7 order, as seeded by documents migration 0002.
ARTICLE_7_ORDER = [
    "nghi-quyet",
    "quyet-dinh",
    "chi-thi",
    "quy-che",
    "quy-dinh",
    "thong-cao",
    "thong-bao",
    "huong-dan",
    "chuong-trinh",
    "ke-hoach",
    "phuong-an",
    "de-an",
    "du-an",
    "bao-cao",
    "bien-ban",
    "to-trinh",
    "hop-dong",
    "cong-van",
    "cong-dien",
    "ban-ghi-nho",
    "ban-thoa-thuan",
    "giay-uy-quyen",
    "giay-moi",
    "giay-gioi-thieu",
    "giay-nghi-phep",
    "phieu-gui",
    "phieu-chuyen",
    "phieu-bao",
    "thu-cong",
]

DEFAULT_PRIORITY_CODES = {"normal": "0", "urgent": "1", "very_urgent": "2", "flash": "3"}
DEFAULT_DOCUMENT_TYPE_CODES = {code: str(i) for i, code in enumerate(ARTICLE_7_ORDER, start=1)}
DEFAULT_BUSINESS_DOC_TYPES = {"new": "0", "revoke": "1", "update": "2", "replace": "3"}
# StatusCode → DeliveryStatus value of documents.choices, or a recall outcome:
# "recall_request" (13, from the sender), "recall_accepted" (15), "recall_refused" (16).
DEFAULT_STATUS_CODES = {
    "01": "delivered",
    "02": "rejected",
    "03": "accepted",
    "04": "assigned",
    "05": "in_progress",
    "06": "completed",
    "13": "recall_request",
    "15": "recall_accepted",
    "16": "recall_refused",
}


def max_bytes() -> int:
    return int(getattr(settings, "EDXML_MAX_BYTES", 10 * 1024 * 1024))


def priority_codes() -> dict[str, str]:
    return dict(getattr(settings, "EDXML_PRIORITY_CODES", DEFAULT_PRIORITY_CODES))


def document_type_codes() -> dict[str, str]:
    return dict(getattr(settings, "EDXML_DOCUMENT_TYPE_CODES", DEFAULT_DOCUMENT_TYPE_CODES))


def fallback_document_type() -> str:
    return getattr(settings, "EDXML_FALLBACK_DOCUMENT_TYPE", "cong-van")


def business_doc_types() -> dict[str, str]:
    return dict(getattr(settings, "EDXML_BUSINESS_DOC_TYPES", DEFAULT_BUSINESS_DOC_TYPES))


def status_codes() -> dict[str, str]:
    return dict(getattr(settings, "EDXML_STATUS_CODES", DEFAULT_STATUS_CODES))


def steering_type() -> str:
    return str(getattr(settings, "EDXML_STEERING_TYPE", "0"))


def time_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(getattr(settings, "EDXML_TIME_ZONE", "Asia/Ho_Chi_Minh"))


def check_revocation() -> bool:
    return bool(getattr(settings, "EDXML_CHECK_REVOCATION", True))


def require_organisation_match() -> bool:
    return bool(getattr(settings, "EDXML_REQUIRE_ORGANISATION_MATCH", False))
