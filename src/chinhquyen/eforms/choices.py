from django.db import models
from django.utils.translation import gettext_lazy as _


class FormStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
