"""Business rules of the portal (its only writes: agencies' public opening hours)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import log_action
from chinhquyen.portal.models import AgencyContact

MAX_HOURS_LENGTH = 300


def set_agency_contact(
    *, organisation, opening_hours: str, opening_hours_en: str = "", acting_user
) -> AgencyContact:
    """Record the opening hours the public directory shows for ``organisation``."""
    opening_hours = (opening_hours or "").strip()
    opening_hours_en = (opening_hours_en or "").strip()
    errors = {}
    for name, value in (("opening_hours", opening_hours), ("opening_hours_en", opening_hours_en)):
        if len(value) > MAX_HOURS_LENGTH:
            errors[name] = ValidationError(
                _("At most %(limit)d characters (tối đa %(limit)d ký tự)."),
                code="max_length",
                params={"limit": MAX_HOURS_LENGTH},
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact, created = AgencyContact.objects.select_for_update().get_or_create(
            organisation=organisation
        )
        before = {
            "opening_hours": contact.opening_hours,
            "opening_hours_en": contact.opening_hours_en,
        }
        contact.opening_hours = opening_hours
        contact.opening_hours_en = opening_hours_en
        contact.save()
        log_action(
            "portal.set_agency_contact",
            target=contact,
            actor=acting_user,
            before=None if created else before,
            after={"opening_hours": opening_hours, "opening_hours_en": opening_hours_en},
        )
    return contact


def rebuild_catalogue_search(*, acting_user=None, batch_size: int = 500) -> int:
    """Recompute the folded search text of every published or retired procedure version.

    Needed only after ``procedures.search`` changes or data was loaded around the services;
    publishing computes it. Returns the number of versions indexed.
    """
    from chinhquyen.procedures.models import ProcedureVersion
    from chinhquyen.procedures.search import version_search_text, version_search_title
    from chinhquyen.procedures.services import PUBLISHED_STATUSES

    count = 0
    with transaction.atomic():
        versions = (
            ProcedureVersion.objects.filter(status__in=PUBLISHED_STATUSES)
            .select_related("procedure", "field")
            .order_by("pk")
        )
        changed = []
        for version in versions.iterator(chunk_size=batch_size):
            version.search_title = version_search_title(version)
            version.search_text = version_search_text(version)
            changed.append(version)
            count += 1
            if len(changed) >= batch_size:
                ProcedureVersion.objects.bulk_update(changed, ["search_title", "search_text"])
                changed = []
        ProcedureVersion.objects.bulk_update(changed, ["search_title", "search_text"])
        log_action(
            "portal.rebuild_catalogue_search", actor=acting_user, details={"versions": count}
        )
    return count
