from django.db import models
from django.utils.translation import gettext_lazy as _


class SupplementClock(models.TextChoices):
    """What happens to the processing time when a requested supplement arrives."""

    RESTART = "restart", _("Restart from zero (Decree 61/2018 Art. 19(4))")
    PAUSE = "pause", _("Pause and resume")


class Channel(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")
    ONLINE = "online", _("Online (provincial system)")
    NATIONAL_PORTAL = "national_portal", _("National Public Service Portal")

    @classmethod
    def paper(cls) -> frozenset[str]:
        """Channels whose dossier is on paper (Decree 61/2018 Art. 18: the 15:00 cut-off)."""
        return frozenset({cls.COUNTER, cls.POST})


class DossierStatus(models.TextChoices):
    """Dossier states, mapped to the articles of Decree 61/2018."""

    RECEIVED = "received", _("Received (Art. 17)")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Awaiting supplement (Art. 19(4))")
    IN_PROCESSING = "in_processing", _("In processing (Art. 19)")
    TRANSFERRED = "transferred", _("Transferred to another agency (Art. 19(6)–(7))")
    RESULT_READY = "result_ready", _("Result ready (Art. 20)")
    REJECTED = "rejected", _("Refused after review (Art. 19(8))")
    RETURNED = "returned", _("Result returned (Art. 20)")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
    STOPPED = "stopped", _("Processing stopped")

    @classmethod
    def open(cls) -> frozenset[str]:
        """States in which the dossier is still being handled (the clock runs or is paused)."""
        return frozenset(
            {cls.RECEIVED, cls.AWAITING_SUPPLEMENT, cls.IN_PROCESSING, cls.TRANSFERRED}
        )

    @classmethod
    def closed(cls) -> frozenset[str]:
        return frozenset({cls.RETURNED, cls.WITHDRAWN, cls.STOPPED})


class Action(models.TextChoices):
    """Every action ``transition`` accepts (process-step actions first)."""

    FORWARD = "forward", _("Forward to the next step")
    RETURN = "return", _("Return to the previous step")
    REQUEST_SUPPLEMENT = "request_supplement", _("Request a supplement")
    TRANSFER = "transfer", _("Transfer to another agency")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    RECEIVE_SUPPLEMENT = "receive_supplement", _("Receive the supplement")
    ASSIGN = "assign", _("Assign to an official")
    COMMENT = "comment", _("Comment")
    ISSUE_APOLOGY = "issue_apology", _("Apologise and set a new appointment")
    RETURN_RESULT = "return_result", _("Return the result")
    WITHDRAW = "withdraw", _("Withdraw (at the applicant's request)")

    @classmethod
    def step_actions(cls) -> frozenset[str]:
        return frozenset(
            {
                cls.FORWARD,
                cls.RETURN,
                cls.REQUEST_SUPPLEMENT,
                cls.TRANSFER,
                cls.APPROVE,
                cls.REJECT,
            }
        )


class EventType(models.TextChoices):
    RECEIVED = "received", _("Received")
    HANDED_OVER = "handed_over", _("Handed over to the processing agency")
    FORWARDED = "forwarded", _("Forwarded")
    RETURNED_TO_PREVIOUS = "returned_to_previous", _("Returned to the previous step")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    SUPPLEMENT_RECEIVED = "supplement_received", _("Supplement received")
    TRANSFERRED = "transferred", _("Transferred to another agency")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ASSIGNED = "assigned", _("Assigned")
    COMMENTED = "commented", _("Comment")
    APOLOGY_ISSUED = "apology_issued", _("Apology and new appointment")
    RESULT_RETURNED = "result_returned", _("Result returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PAYMENT_RECORDED = "payment_recorded", _("Payment recorded")
    EVALUATED = "evaluated", _("Rated by the applicant")
    FLAGGED_OVERDUE = "flagged_overdue", _("Flagged overdue to the agency leader")
    RESULT_SIGNED = "result_signed", _("Result signed")


class Outcome(models.TextChoices):
    """Circular 01/2018 Art. 13 indicator 1–2: early 2 points, on time 1, late 0."""

    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class ApplicantKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ORGANISATION = "organisation", _("Organisation")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash at the counter")
    TRANSFER = "transfer", _("Bank transfer")
    ONLINE = "online", _("Online payment")
    POST = "post", _("Through the postal operator")


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")
    ONLINE = "online", _("Online")


class NotificationKind(models.TextChoices):
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    APOLOGY = "apology", _("Apology and new appointment")
    RESULT_READY = "result_ready", _("Result ready")
    OVERDUE = "overdue", _("Dossier overdue without an apology")
    STATUS_CHANGED = "status_changed", _("Status changed")


class Indicator(models.IntegerChoices):
    """The nine indicators of Circular 01/2018/TT-VPCP Art. 13."""

    TOTAL_TIME = 1, _("1. Total time against the legal time")
    UNIT_TIME = 2, _("2. Time of each participating unit")
    CONTACTS = 3, _("3. Contacts needed to complete the dossier")
    AGENCIES_CONTACTED = 4, _("4. Agencies contacted")
    IN_HOUSE = 5, _("5. Decided in-house by the one-stop unit")
    PUBLICATION = 6, _("6. Publication of the procedure")
    ATTITUDE = 7, _("7. Officer attitude")
    FEEDBACK = 8, _("8. Feedback handled on time")
    ONLINE = 9, _("9. Online services")


class ScoreSubject(models.TextChoices):
    DOSSIER = "dossier", _("Dossier")
    STEP = "step", _("Step / unit")
    OFFICIAL = "official", _("Officer")
    AGENCY = "agency", _("Agency")
