"""Official documents and executive work (quản lý văn bản và điều hành, Decree 30/2020/NĐ-CP).

Aggregates:

* ``DocumentType`` — the types of Art. 7 with their abbreviations (Appendix III), versioned by
  ``valid_from``/``valid_until``: a document keeps the type row in force when it was made.
* ``RegistrationBook`` + ``BookNumber`` — registration books (sổ đăng ký) per organisation and
  year; every number ever given, reserved or cancelled is a ``BookNumber`` row, so numbers never
  repeat and never skip (``services.numbering``).
* ``IncomingDocument`` (văn bản đến) with its ``Assignment`` tree (chủ trì / phối hợp / nhận để
  biết, sub-assignment down the units) and ``Opinion`` rows (ý kiến xử lý).
* ``OutgoingDocument`` (văn bản đi) with ``DraftVersion``, ``ReviewStep`` (approval chain),
  ``DraftComment`` and ``Recipient`` (distribution and the sender's view of its status).
* ``DocumentFile`` — files of either kind of document, streamed by authorising views.
* ``FollowUpTask`` — tasks arising from documents.
* ``DocumentEvent`` — the append-only timeline of either kind of document.

Metadata field names follow Appendix VI Part II (noted per field as ``# CodeNumber`` etc.), so
the edXML mapping of the exchange app is one-to-one. Changes go through ``documents.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.authz import RestrictedQuerySet
from chinhquyen.documents import access_keys
from chinhquyen.documents.choices import (
    AssignmentRole,
    AssignmentStatus,
    BookDirection,
    DeliveryStatus,
    EventType,
    FileKind,
    IncomingChannel,
    IncomingStatus,
    NumberState,
    OutgoingStatus,
    RecipientChannel,
    ReviewDecision,
    ReviewerRole,
    Secrecy,
    SignerCompetence,
    TaskStatus,
    TextStatus,
    Urgency,
)


class DocumentType(models.Model):
    """A type of administrative document (Decree 30/2020 Art. 7, Appendix III), versioned."""

    code = models.SlugField(_("code"), max_length=40)  # stable key, e.g. "quyet-dinh"
    name = models.CharField(_("name"), max_length=100)  # TypeName
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    # Empty for a công văn (official letter), whose notation is agency + drafting unit.
    abbreviation = models.CharField(_("abbreviation"), max_length=10, blank=True)
    is_official_letter = models.BooleanField(_("official letter (công văn)"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="unique_type_version"),
        ]

    def __str__(self) -> str:
        return self.name


class RegistrationBook(models.Model):
    """A registration book (sổ đăng ký văn bản) of one organisation for one calendar year.

    Numbers start at 1 each year. An organisation has one or more incoming books and outgoing
    books by document type as it configures (``document_types``; empty means every type not
    covered by another book). Secret documents have their own books (Art. 15(2)).
    """

    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="registration_books",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    direction = models.CharField(_("direction"), max_length=10, choices=BookDirection.choices)
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    document_types = models.ManyToManyField(
        DocumentType, blank=True, related_name="books", verbose_name=_("document types")
    )
    is_secret = models.BooleanField(_("for secret documents"), default=False)
    is_active = models.BooleanField(_("open for new numbers"), default=True)
    # The highest number taken so far (used, reserved or cancelled); only services.numbering
    # changes it, under a row lock.
    last_number = models.PositiveIntegerField(_("last number"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    restrict_path = "organisation"

    class Meta:
        verbose_name = _("registration book")
        verbose_name_plural = _("registration books")
        ordering = ("organisation", "-year", "direction", "name")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "direction", "code"], name="unique_book_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class BookNumber(models.Model):
    """One number of a book: used by a document, reserved, or cancelled — never reused."""

    book = models.ForeignKey(RegistrationBook, on_delete=models.PROTECT, related_name="numbers")
    number = models.PositiveIntegerField(_("number"))
    state = models.CharField(_("state"), max_length=10, choices=NumberState.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    taken_at = models.DateTimeField(_("taken"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("book number")
        verbose_name_plural = _("book numbers")
        ordering = ("book", "number")
        constraints = [
            models.UniqueConstraint(fields=["book", "number"], name="unique_book_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="book_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.book_id}#{self.number} ({self.state})"


class DocumentQuerySet(RestrictedQuerySet):
    """Documents; keeps their access keys true (``documents.access_keys``) when rows are
    written in bulk, which bypasses ``save()``."""

    def update(self, **kwargs):
        if not access_keys.fields_of(self.model) & kwargs.keys():
            return super().update(**kwargs)
        ids = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        access_keys.refresh(self.model, ids)
        return count

    def update_keys(self, keys: str) -> int:
        """Store ``keys`` as they are (``access_keys.refresh``)."""
        return super().update(access_keys=keys)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for document in objs:
            # New rows have no assignments or review steps yet: their own columns decide.
            document.access_keys = access_keys.compute(document, related=[])
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        count = super().bulk_update(objs, fields, *args, **kwargs)
        if access_keys.fields_of(self.model) & set(fields):
            access_keys.refresh(self.model, [document.pk for document in objs])
        return count


class DocumentPartQuerySet(RestrictedQuerySet):
    """Assignments and review steps: writing them in bulk refreshes the access keys of the
    documents they belong to (``documents.access_keys``)."""

    def _documents(self) -> set[int]:
        return set(self.order_by().values_list("document_id", flat=True))

    def _refresh(self, ids) -> None:
        access_keys.refresh(self.model.document.field.related_model, ids)

    def update(self, **kwargs):
        if not self.model.ACCESS_FIELDS & kwargs.keys():
            return super().update(**kwargs)
        ids = self._documents()
        count = super().update(**kwargs)
        moved = kwargs.get("document_id", kwargs.get("document"))
        self._refresh(ids | ({getattr(moved, "pk", moved)} if moved is not None else set()))
        return count

    def delete(self):
        ids = self._documents()
        result = super().delete()
        self._refresh(ids)
        return result

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        created = super().bulk_create(objs, *args, **kwargs)
        self._refresh({part.document_id for part in objs})
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        count = super().bulk_update(objs, fields, *args, **kwargs)
        if self.model.ACCESS_FIELDS & set(fields):
            self._refresh({part.document_id for part in objs})
        return count


class DocumentPart(models.Model):
    """A row of a document whose writing changes who may see it (an assignment, a review
    step): saving or deleting it refreshes the document's access keys."""

    ACCESS_FIELDS: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or self.ACCESS_FIELDS & set(update_fields):
            self._refresh_document(self.document_id)

    def delete(self, *args, **kwargs):
        document_id = self.document_id
        result = super().delete(*args, **kwargs)
        self._refresh_document(document_id)
        return result

    def _refresh_document(self, document_id) -> None:
        access_keys.refresh(self._meta.get_field("document").related_model, [document_id])


class DocumentMetadata(models.Model):
    """Fields shared by incoming and outgoing documents (Appendix VI Part II, fields 1–11)."""

    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type")
    )
    subject = models.CharField(_("summary (trích yếu)"), max_length=500)  # Subject
    issued_date = models.DateField(_("document date"), null=True, blank=True)  # IssuedDate
    language = models.CharField(_("language"), max_length=30, default="vi")  # Language
    page_count = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)  # PageAmount
    description = models.CharField(_("note"), max_length=500, blank=True)  # Description
    signer_position = models.CharField(_("signer's position"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=50, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    secrecy = models.CharField(
        _("secrecy"), max_length=12, choices=Secrecy.choices, default=Secrecy.NONE
    )
    due_date = models.DateField(_("reply due"), null=True, blank=True)  # DueDate
    # FileCode (OrganId, FileCatalog, FileNotation) and DocOrdinal: the file (hồ sơ) it is kept in.
    file_code = models.CharField(_("file code"), max_length=40, blank=True)
    file_ordinal = models.PositiveSmallIntegerField(_("order in the file"), null=True, blank=True)
    # Folded, space-padded text of the metadata and the files' text (procedures.search.padded).
    search_text = models.TextField(editable=False, default="")
    # Who may see it, as tokens (documents.access_keys); recomputed by save() and the querysets.
    access_keys = models.TextField(editable=False, default="")
    text_status = models.CharField(
        _("text"), max_length=12, choices=TextStatus.choices, default=TextStatus.NOT_NEEDED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not access_keys.fields_of(type(self)) & set(update_fields):
            super().save(*args, **kwargs)
            return
        if self._state.adding:
            # A new row has no assignments or review steps yet: its own columns decide.
            self.access_keys = access_keys.compute(self, related=[])
            super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)
        # Recomputed with the row locked by this save (access_keys.refresh: a concurrent
        # assignment committed meanwhile is counted, not overwritten).
        self.access_keys = access_keys.refresh(type(self), [self.pk]).get(self.pk, "")

    @property
    def is_secret(self) -> bool:
        return self.secrecy != Secrecy.NONE


class IncomingDocument(DocumentMetadata):
    """An incoming document (văn bản đến) registered in an organisation's incoming book."""

    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="incoming_documents",
        verbose_name=_("receiving organisation"),
    )
    # Book and arrival number are given at registration; an electronic document waiting in the
    # queue (status "received") has neither yet.
    book = models.ForeignKey(
        RegistrationBook,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_documents",
    )
    arrival_number = models.PositiveIntegerField(
        _("arrival number"), null=True, blank=True
    )  # ArrivalNumber
    arrived_at = models.DateTimeField(_("arrival time"))  # ArrivalDate
    channel = models.CharField(_("received as"), max_length=10, choices=IncomingChannel.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=IncomingStatus.choices,
        default=IncomingStatus.REGISTERED,
    )
    # Issuing organisation (OrganName / OrganId); ``issuer`` is set when it is on the platform.
    issuer_name = models.CharField(_("issuing organisation"), max_length=200)
    issuer_code = models.CharField(_("issuer's identifier"), max_length=35, blank=True)
    issuer = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issuer on the platform"),
    )
    number = models.CharField(_("number"), max_length=11, blank=True)  # CodeNumber
    notation = models.CharField(_("notation"), max_length=30, blank=True)  # CodeNotation
    to_places = models.CharField(_("receiving unit or person"), max_length=1000, blank=True)
    # The outgoing document and recipient row it came from, when sent on this platform.
    source_recipient = models.OneToOneField(
        "Recipient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_document",
    )
    # edXML DocumentId "OrganId,yyyy/MM/dd,Number/Notation" of an exchanged document.
    exchange_document_id = models.CharField(max_length=120, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    objects = DocumentQuerySet.as_manager()
    restrict_path = "organisation"

    class Meta:
        verbose_name = _("incoming document")
        verbose_name_plural = _("incoming documents")
        ordering = ("-arrived_at", "-pk")
        permissions = [("assign_incomingdocument", _("Can assign incoming documents"))]
        constraints = [
            models.UniqueConstraint(
                fields=["book", "arrival_number"], name="unique_incoming_arrival_number"
            ),
            models.CheckConstraint(
                # Returned or recalled before registration: never numbered.
                condition=models.Q(status__in=["received", "returned", "recalled"])
                | models.Q(book__isnull=False, arrival_number__isnull=False),
                name="incoming_registered_has_number",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "-arrived_at"], name="incoming_org_arrived"),
            models.Index(fields=["organisation", "status"], name="incoming_org_status"),
            models.Index(fields=["issuer_name", "number", "notation", "issued_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.arrival_number or '—'} — {self.subject[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("documents:incoming", args=[self.pk])

    @property
    def code(self) -> str:
        """Number and notation as written on the document (``45/QĐ-UBND``)."""
        return "/".join(part for part in (self.number, self.notation) if part)


class Assignment(DocumentPart):
    """A unit or person handling an incoming document (phân công xử lý), in a tree.

    A leader assigns one lead unit/person (chủ trì), co-operating ones (phối hợp) and
    for-information ones (nhận để biết); a unit head assigns further down (``parent``).
    """

    document = models.ForeignKey(
        IncomingDocument, on_delete=models.PROTECT, related_name="assignments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    role = models.CharField(_("role"), max_length=12, choices=AssignmentRole.choices)
    unit = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="document_assignments",
        verbose_name=_("unit"),
    )
    assignee = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document_assignments",
        verbose_name=_("person"),
    )
    instruction = models.TextField(_("instruction"), blank=True)
    due_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.PENDING,
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    result_document = models.ForeignKey(
        "OutgoingDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answered_assignments",
        verbose_name=_("reply document"),
    )
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Whose change changes the document's access keys (documents.access_keys).
    ACCESS_FIELDS = frozenset({"unit", "unit_id", "assignee", "assignee_id", "document",
                               "document_id"})  # fmt: skip

    objects = DocumentPartQuerySet.as_manager()
    restrict_path = "unit"

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ("document", "assigned_at", "pk")
        indexes = [
            models.Index(fields=["status", "due_at"], name="assignment_status_due"),
            models.Index(fields=["unit", "status"], name="assignment_unit_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.assignee or self.unit}"


class Opinion(models.Model):
    """A processing opinion or instruction on an incoming document (ý kiến xử lý)."""

    document = models.ForeignKey(
        IncomingDocument, on_delete=models.PROTECT, related_name="opinions"
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, null=True, blank=True, related_name="opinions"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("opinion"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return self.text[:60]


class OutgoingDocument(DocumentMetadata):
    """An outgoing document (văn bản đi): drafted, reviewed, numbered, signed, issued."""

    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="outgoing_documents",
        verbose_name=_("issuing organisation"),
    )
    drafting_unit = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="drafted_documents",
        verbose_name=_("drafting unit"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=OutgoingStatus.choices, default=OutgoingStatus.DRAFT
    )
    place = models.CharField(_("place name (địa danh)"), max_length=60, blank=True)
    body = models.TextField(_("body"), blank=True)
    signer = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signer"),
    )
    signer_competence = models.CharField(
        _("signing as"), max_length=5, choices=SignerCompetence.choices, blank=True
    )
    book = models.ForeignKey(
        RegistrationBook,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outgoing_documents",
    )
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)  # CodeNumber
    notation = models.CharField(_("notation"), max_length=30, blank=True)  # CodeNotation
    copies = models.PositiveSmallIntegerField(_("copies issued"), default=1)  # IssuedAmount
    reply_to = models.ForeignKey(
        IncomingDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    numbered_at = models.DateTimeField(_("numbered"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)

    objects = DocumentQuerySet.as_manager()
    restrict_path = "organisation"

    class Meta:
        verbose_name = _("outgoing document")
        verbose_name_plural = _("outgoing documents")
        ordering = ("-created_at", "-pk")
        permissions = [
            ("approve_outgoingdocument", _("Can approve and sign outgoing documents")),
            ("number_outgoingdocument", _("Can number outgoing documents")),
            ("issue_outgoingdocument", _("Can seal (organisation signature) and issue")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["book", "number"],
                condition=models.Q(number__isnull=False),
                name="unique_outgoing_book_number",
            ),
            models.CheckConstraint(
                condition=models.Q(number__isnull=True) | models.Q(book__isnull=False),
                name="outgoing_number_has_book",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="outgoing_org_status"),
            models.Index(fields=["organisation", "-issued_at"], name="outgoing_org_issued"),
        ]

    def __str__(self) -> str:
        return self.code or self.subject[:60]

    def get_absolute_url(self) -> str:
        return reverse("documents:outgoing", args=[self.pk])

    @property
    def code(self) -> str:
        """``05/KH-UBND`` (a leading zero below 10, Appendix I §I.3), or "" before numbering."""
        if self.number is None:
            return ""
        return f"{self.number:02d}/{self.notation}" if self.notation else f"{self.number:02d}"


class DraftVersion(models.Model):
    """One version of an outgoing draft: the .docx and its PDF rendering."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    docx = models.FileField(_("Word file"), upload_to="documents/drafts/%Y/%m", max_length=300)
    pdf = models.FileField(_("PDF"), upload_to="documents/drafts/%Y/%m", max_length=300, blank=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("draft version")
        verbose_name_plural = _("draft versions")
        ordering = ("document", "number")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_draft_version"),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class ReviewStep(DocumentPart):
    """One step of an outgoing document's approval chain (specialist → division → agency)."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.PROTECT, related_name="review_steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    reviewer_role = models.CharField(_("as"), max_length=20, choices=ReviewerRole.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    version = models.ForeignKey(
        DraftVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.CharField(
        _("decision"),
        max_length=10,
        choices=ReviewDecision.choices,
        default=ReviewDecision.PENDING,
    )
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    # Whose change changes the document's access keys (documents.access_keys).
    ACCESS_FIELDS = frozenset({"reviewer", "reviewer_id", "document", "document_id"})

    objects = DocumentPartQuerySet.as_manager()
    restrict_path = "document__organisation"

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ("document", "order", "pk")

    def __str__(self) -> str:
        return f"{self.order}. {self.get_reviewer_role_display()}"


class DraftComment(models.Model):
    """A comment on an outgoing draft, optionally on one version."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.PROTECT, related_name="comments"
    )
    version = models.ForeignKey(
        DraftVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("draft comment")
        verbose_name_plural = _("draft comments")
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return self.text[:60]


class Recipient(models.Model):
    """A recipient of an outgoing document (nơi nhận) and where the document is for it.

    ``organisation`` is set for agencies on this platform (delivered at once into their
    incoming queue); others are reached through the exchange outbox (``external_code`` is the
    recipient's QCVN 102 identifier) or by post. ``status`` is the sender's view, updated by the
    recipient's own processing or by edXML status messages.
    """

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.PROTECT, related_name="recipients"
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency on this platform"),
    )
    name = models.CharField(_("recipient"), max_length=200)  # To/OrganName
    external_code = models.CharField(_("recipient's identifier"), max_length=35, blank=True)
    channel = models.CharField(_("sent by"), max_length=10, choices=RecipientChannel.choices)
    for_information = models.BooleanField(_("for information only"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    status_note = models.CharField(_("status note"), max_length=500, blank=True)
    status_at = models.DateTimeField(_("status time"), null=True, blank=True)
    # Idempotency key of the exchange message that carries the document to this recipient.
    message_key = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ("document", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="unique_recipient_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def document_file_path(instance: DocumentFile, filename: str) -> str:
    return f"documents/files/{timezone.now():%Y/%m}/{filename}"


class DocumentFile(models.Model):
    """A file of an incoming or an outgoing document (exactly one of the two), with its hash."""

    incoming = models.ForeignKey(
        IncomingDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="files"
    )
    outgoing = models.ForeignKey(
        OutgoingDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="files"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FileKind.choices)
    file = models.FileField(_("file"), upload_to=document_file_path, max_length=300)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    # A scan made searchable by OCR (PDF/A with a text layer), kept beside the original.
    searchable = models.FileField(
        _("searchable PDF"), upload_to=document_file_path, max_length=300, blank=True
    )
    # Searchable text: the PDF's own text, or OCR of a scan (services.text).
    text = models.TextField(blank=True, default="")
    text_status = models.CharField(
        _("text"), max_length=12, choices=TextStatus.choices, default=TextStatus.PENDING
    )
    text_error = models.CharField(max_length=500, blank=True)
    # The worker reading the file (services.text): its token and lease.
    text_claim = models.CharField(max_length=16, blank=True, editable=False)
    text_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("document file")
        verbose_name_plural = _("document files")
        ordering = ("pk",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(incoming__isnull=False, outgoing__isnull=True)
                | models.Q(incoming__isnull=True, outgoing__isnull=False),
                name="document_file_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FollowUpTask(models.Model):
    """A task arising from a document (nhiệm vụ), followed until done."""

    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="follow_up_tasks",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("task"), max_length=500)
    incoming = models.ForeignKey(
        IncomingDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    outgoing = models.ForeignKey(
        OutgoingDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    unit = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible unit"),
    )
    assignee = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up_tasks",
        verbose_name=_("responsible person"),
    )
    due_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    progress = models.TextField(_("progress"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    completed_at = models.DateTimeField(_("done"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = RestrictedQuerySet.as_manager()
    restrict_path = "organisation"

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ("due_at", "pk")
        indexes = [models.Index(fields=["organisation", "status", "due_at"])]

    def __str__(self) -> str:
        return self.title[:80]


class DocumentEvent(models.Model):
    """One step in the timeline of an incoming or outgoing document (append-only)."""

    incoming = models.ForeignKey(
        IncomingDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    outgoing = models.ForeignKey(
        OutgoingDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    type = models.CharField(_("event"), max_length=24, choices=EventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("document event")
        verbose_name_plural = _("document events")
        ordering = ("at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(incoming__isnull=False, outgoing__isnull=True)
                | models.Q(incoming__isnull=True, outgoing__isnull=False),
                name="document_event_one_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_type_display()}"
