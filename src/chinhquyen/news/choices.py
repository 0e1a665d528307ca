from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    NEWS = "news", _("News")
    ANNOUNCEMENT = "announcement", _("Announcement")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


class DocumentType(models.TextChoices):
    """Kinds of legal and direction documents (Law 64/2025/QH15 on legal documents; Decree
    30/2020/ND-CP for administrative documents)."""

    LAW = "law", _("Law")
    RESOLUTION = "resolution", _("Resolution")
    DECREE = "decree", _("Decree")
    CIRCULAR = "circular", _("Circular")
    DECISION = "decision", _("Decision")
    DIRECTIVE = "directive", _("Directive")
    PLAN = "plan", _("Plan")
    OFFICIAL_LETTER = "official_letter", _("Official letter")
    NOTICE = "notice", _("Notice")
