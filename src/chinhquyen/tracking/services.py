"""What a citizen may see of their dossiers, whatever the channel they were filed through.

A dossier is the citizen's when it was filed from their account (``applicant_user``) or when
its applicant ID number is the personal identification number their account carries — that
number comes only from the national single sign-on (VNeID), so it is a verified identity; a
counter or post dossier filed under it is theirs too. Every list goes through
:func:`citizen_dossiers`, every detail through :func:`access_citizen_dossier` (404 for a
dossier that is not theirs: its existence is not revealed).

The citizen timeline is a whitelist of event types, without officials' names, internal
comments or assignments; notes are shown only where they are addressed to the applicant
(supplement request, refusal, apology).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from chinhquyen.citizens.services import citizen_profile, is_citizen
from chinhquyen.dossiers.choices import EventType
from chinhquyen.dossiers.models import Dossier, DossierEvent

# Events the applicant sees, and those whose note is written for the applicant.
CITIZEN_EVENTS = (
    EventType.RECEIVED,
    EventType.HANDED_OVER,
    EventType.FORWARDED,
    EventType.RETURNED_TO_PREVIOUS,
    EventType.TRANSFERRED,
    EventType.SUPPLEMENT_REQUESTED,
    EventType.SUPPLEMENT_RECEIVED,
    EventType.APPROVED,
    EventType.REJECTED,
    EventType.APOLOGY_ISSUED,
    EventType.RESULT_RETURNED,
    EventType.WITHDRAWN,
    EventType.PAYMENT_RECORDED,
    EventType.EVALUATED,
)
NOTES_FOR_APPLICANT = (
    EventType.SUPPLEMENT_REQUESTED,
    EventType.REJECTED,
    EventType.APOLOGY_ISSUED,
)


def citizen_dossiers(user) -> QuerySet:
    """The dossiers of a citizen account (none for anyone else), newest first."""
    if not is_citizen(user):
        return Dossier.objects.none()
    condition = Q(applicant_user=user)
    profile = citizen_profile(user)
    if profile is not None and profile.id_number:
        condition |= Q(applicant_id_number=profile.id_number)
    return Dossier.objects.filter(condition).order_by("-received_at", "-id")


def access_citizen_dossier(user, pk) -> Dossier:
    """The citizen's dossier ``pk`` with what its page shows, or 404."""
    dossier = (
        citizen_dossiers(user)
        .select_related("procedure", "procedure_version", "receiving_agency", "current_agency")
        .filter(pk=pk)
        .first()
    )
    if dossier is None:
        raise Http404
    return dossier


@dataclass(frozen=True)
class CitizenEvent:
    at: datetime
    type: str
    label: str
    agency: str
    note: str


def citizen_timeline(dossier: Dossier) -> list[CitizenEvent]:
    """The applicant's view of the timeline, oldest first (no personal or internal data)."""
    events = (
        DossierEvent.objects.filter(dossier=dossier, type__in=CITIZEN_EVENTS)
        .select_related("to_agency")
        .order_by("at", "id")
    )
    return [
        CitizenEvent(
            at=event.at,
            type=event.type,
            label=str(event.get_type_display()),
            agency=event.to_agency.name if event.to_agency_id else "",
            note=event.note if event.type in NOTES_FOR_APPLICANT else "",
        )
        for event in events
    ]
