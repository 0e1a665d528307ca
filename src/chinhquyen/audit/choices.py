from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditSource(models.TextChoices):
    """What started the work an audit entry records."""

    WEB = "web", _("web request")
    API = "api", _("API call")
    COMMAND = "command", _("management command")
    TASK = "task", _("background task")
    SYSTEM = "system", _("system")


class ChangeAction(models.TextChoices):
    """Actions written by the generic change capture (service calls use their own names)."""

    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    DELETE = "delete", _("deleted")
    M2M_ADD = "m2m_add", _("relations added")
    M2M_REMOVE = "m2m_remove", _("relations removed")
    M2M_CLEAR = "m2m_clear", _("relations cleared")
