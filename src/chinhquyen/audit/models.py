"""The audit trail: one append-only, hash-chained table.

Each row stores the SHA-256 of its own content and the hash of the row before it, so editing,
deleting or reordering a row breaks the chain at that point; ``chinhquyen audit verify`` walks the
chain and names the first broken link. Rows are written only by
:func:`chinhquyen.audit.services.append_entry` (through ``log_action`` and the generic change
capture); the model, its queryset and the admin refuse every update and delete.
"""

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.choices import AuditSource
from chinhquyen.audit.serialize import object_label


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit entry through the application."""

    def __init__(self, operation: str = "change") -> None:
        super().__init__(
            f"Audit entries are append-only: {operation} refused "
            f"(nhật ký kiểm tra chỉ được ghi thêm, không được sửa hoặc xóa)."
        )


class AuditEntryQuerySet(models.QuerySet):
    """A queryset that can read and insert, never update or delete."""

    def update(self, **kwargs):
        raise AppendOnlyError("update")

    def _update(self, *args, **kwargs):
        raise AppendOnlyError("update")

    def delete(self):
        raise AppendOnlyError("delete")

    delete.queryset_only = True

    def _raw_delete(self, using):
        raise AppendOnlyError("delete")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("bulk_update")

    def bulk_create(self, objs, *args, **kwargs):
        # Rows are chained under the chain lock by services (append_entry, audited_atomic),
        # which mark them; anything else is refused.
        objs = list(objs)
        if not objs or not all(getattr(obj, "_chain_append", False) for obj in objs):
            raise AppendOnlyError("bulk_create")
        return super().bulk_create(objs, *args, **kwargs)

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError("update_or_create")

    def for_object(self, instance: models.Model) -> "AuditEntryQuerySet":
        # object_label(): entries name the concrete model, also when written for a proxy.
        return self.filter(object_type=object_label(instance), object_id=str(instance.pk)).order_by(
            "-id"
        )


class AuditEntry(models.Model):
    """One recorded change or action: who, when, from where, what, before and after."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # Accounts are deactivated, never deleted; PROTECT keeps every entry's actor resolvable.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor (as recorded)"), max_length=150, blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=AuditSource.choices, default=AuditSource.SYSTEM
    )
    label = models.CharField(
        _("origin"), max_length=200, blank=True, help_text=_("Command or task name.")
    )
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        # Related lookups and Model.save() go through this manager too, so they refuse as well.
        base_manager_name = "objects"
        default_manager_name = "objects"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["at"], name="audit_at_idx"),
            models.Index(fields=["action"], name="audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type} {self.object_id}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding or not getattr(self, "_chain_append", False):
            # Inserts go through services.append_entry, which computes the chain under its lock.
            raise AppendOnlyError("save")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("delete")

    @property
    def details_json(self) -> str:
        return json.dumps(self.details, ensure_ascii=False, indent=2, sort_keys=True)

    @property
    def changed_fields(self) -> list[str]:
        return list(self.details.get("changed", [])) if isinstance(self.details, dict) else []
