"""Dossier services, split by use case. Import from here::

from chinhquyen.dossiers.services import receive_dossier, transition
"""

from chinhquyen.dossiers.services.access import access_dossier
from chinhquyen.dossiers.services.evaluation import (
    answer_feedback,
    authorise_in_house_decision,
    end_in_house_decision,
    indicator_rules_in_force,
    record_evaluation,
    record_feedback,
    score_dossier,
    score_period,
)
from chinhquyen.dossiers.services.intake import receive_dossier, rule_set_in_force
from chinhquyen.dossiers.services.lateness import (
    dossier_outcome,
    flag_overdue,
    is_at_risk,
    median_step_seconds,
    step_outcome,
)
from chinhquyen.dossiers.services.lookup import lookup_throttled, public_status, status_payload
from chinhquyen.dossiers.services.payments import is_paid, record_payment
from chinhquyen.dossiers.services.queries import queue, timeline
from chinhquyen.dossiers.services.transitions import permitted_actions, transition

__all__ = [
    "access_dossier",
    "answer_feedback",
    "authorise_in_house_decision",
    "end_in_house_decision",
    "indicator_rules_in_force",
    "record_feedback",
    "dossier_outcome",
    "flag_overdue",
    "is_at_risk",
    "is_paid",
    "lookup_throttled",
    "median_step_seconds",
    "public_status",
    "queue",
    "receive_dossier",
    "record_evaluation",
    "record_payment",
    "rule_set_in_force",
    "score_dossier",
    "score_period",
    "status_payload",
    "step_outcome",
    "timeline",
    "permitted_actions",
    "transition",
]
