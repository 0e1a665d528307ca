"""Enumerations of the official-documents app (quản lý văn bản và điều hành, Decree 30/2020)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BookDirection(models.TextChoices):
    INCOMING = "incoming", _("Incoming documents (sổ văn bản đến)")
    OUTGOING = "outgoing", _("Outgoing documents (sổ văn bản đi)")


class NumberState(models.TextChoices):
    """What happened to one number of a registration book; a number is never reused."""

    USED = "used", _("Used by a document")
    RESERVED = "reserved", _("Reserved (giữ số)")
    CANCELLED = "cancelled", _("Cancelled (hủy số)")


class Urgency(models.TextChoices):
    """Urgency marks of Decree 30/2020 Appendix I (độ khẩn)."""

    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent (Khẩn)")
    VERY_URGENT = "very_urgent", _("Very urgent (Thượng khẩn)")
    FLASH = "flash", _("Flash (Hỏa tốc)")


class Secrecy(models.TextChoices):
    """Secrecy levels under the law on state secrets (độ mật)."""

    NONE = "none", _("Not secret")
    CONFIDENTIAL = "confidential", _("Confidential (Mật)")
    SECRET = "secret", _("Secret (Tối mật)")
    TOP_SECRET = "top_secret", _("Top secret (Tuyệt mật)")


class IncomingChannel(models.TextChoices):
    PAPER = "paper", _("Paper (scanned)")
    INTERNAL = "internal", _("Electronic, from an agency on this platform")
    EXCHANGE = "exchange", _("Electronic, from the exchange (edXML)")


class IncomingStatus(models.TextChoices):
    # An electronic document delivered to the agency's queue, waiting for the clerk to check
    # and register it (Decree 30/2020 Art. 21(2)); it has no arrival number yet.
    RECEIVED = "received", _("Arrived, awaiting registration")
    REGISTERED = "registered", _("Registered, awaiting assignment")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    RETURNED = "returned", _("Returned to the sender")
    RECALLED = "recalled", _("Recalled by the sender")


class TextStatus(models.TextChoices):
    """Whether the searchable text of a document's files has been extracted."""

    PENDING = "pending", _("Text extraction pending")
    EXTRACTED = "extracted", _("Text extracted")
    FAILED = "failed", _("Text not extracted")
    NOT_NEEDED = "not_needed", _("No file to read")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead (chủ trì)")
    COOPERATE = "cooperate", _("Co-operating (phối hợp)")
    INFORMATION = "information", _("For information (nhận để biết)")


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Withdrawn")


class OutgoingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved, awaiting number")
    NUMBERED = "numbered", _("Numbered, awaiting signature")
    SIGNED = "signed", _("Signed")
    ISSUED = "issued", _("Issued")
    RECALLED = "recalled", _("Recalled")


class SignerCompetence(models.TextChoices):
    """Signature prefixes of Decree 30/2020 Art. 13 (thẩm quyền ký)."""

    DIRECT = "", _("Signs in own name")
    ON_BEHALF = "TM.", _("On behalf of (TM.)")
    ACTING = "Q.", _("Acting (Q.)")
    DEPUTY = "KT.", _("Deputy signing for (KT.)")
    BY_ORDER = "TL.", _("By order (TL.)")
    BY_AUTHORISATION = "TUQ.", _("By authorisation (TUQ.)")


class ReviewerRole(models.TextChoices):
    SPECIALIST = "specialist", _("Specialist")
    DIVISION_LEADER = "division_leader", _("Division leader")
    AGENCY_LEADER = "agency_leader", _("Agency leader")


class ReviewDecision(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")


class RecipientChannel(models.TextChoices):
    INTERNAL = "internal", _("On this platform")
    EXCHANGE = "exchange", _("Exchange outbox (edXML)")
    POST = "post", _("Post")


class DeliveryStatus(models.TextChoices):
    """The sender's view of where its document is, per recipient (edXML status codes)."""

    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Arrived (01)")
    REJECTED = "rejected", _("Rejected (02)")
    ACCEPTED = "accepted", _("Registered by the recipient (03)")
    ASSIGNED = "assigned", _("Assigned (04)")
    IN_PROGRESS = "in_progress", _("In progress (05)")
    COMPLETED = "completed", _("Completed (06)")
    RECALLED = "recalled", _("Recalled")
    FAILED = "failed", _("Delivery failed")


class FileKind(models.TextChoices):
    SCAN = "scan", _("Scan of the paper document")
    MAIN = "main", _("Main document")
    APPENDIX = "appendix", _("Appendix or attachment")
    SIGNED = "signed", _("Signed document")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class EventType(models.TextChoices):
    """Timeline of an incoming or outgoing document (append-only ``DocumentEvent`` rows)."""

    ARRIVED = "arrived", _("Arrived in the queue")
    REGISTERED = "registered", _("Registered")
    TEXT_EXTRACTED = "text_extracted", _("Text extracted")
    TEXT_FAILED = "text_failed", _("Text not extracted")
    ASSIGNED = "assigned", _("Assigned")
    SUB_ASSIGNED = "sub_assigned", _("Assigned further")
    OPINION = "opinion", _("Opinion")
    STARTED = "started", _("Work started")
    WITHDRAWN = "withdrawn", _("Assignment withdrawn")
    ASSIGNMENT_COMPLETED = "assignment_completed", _("Assignment completed")
    COMPLETED = "completed", _("Completed")
    RETURNED = "returned", _("Returned to the sender")
    DRAFTED = "drafted", _("Draft created")
    VERSION_ADDED = "version_added", _("New version")
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")
    REVIEW_RETURNED = "review_returned", _("Returned for changes")
    COMMENTED = "commented", _("Comment")
    NUMBERED = "numbered", _("Numbered")
    SIGNED = "signed", _("Signed")
    ISSUED = "issued", _("Issued")
    DISTRIBUTED = "distributed", _("Sent to a recipient")
    STATUS_RECEIVED = "status_received", _("Status from a recipient")
    STATUS_NOT_SENT = "status_not_sent", _("Status could not be sent to the sender")
    RECALLED = "recalled", _("Recalled")
    VIEWED = "viewed", _("Opened")
