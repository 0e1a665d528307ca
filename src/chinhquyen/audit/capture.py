"""Generic change capture: every create/update/delete of an audited model becomes an entry.

This is infrastructure, not a business rule, so it uses signals (style.md allows signals for
infrastructure): ``pre_save`` reads the stored row to snapshot "before", ``post_save`` and
``post_delete`` append the entry in the same transaction as the change. Connected per model in
``AuditConfig.ready()``, so unaudited models (sessions, task results …) keep Django's fast
paths.

Audited: every model of a ``chinhquyen.*`` app except the audit trail itself, plus
``auth.Group`` and the django-otp devices. Not seen by signals, hence not captured here:
``QuerySet.update()``, ``bulk_create()``, ``bulk_update()`` and raw SQL — code that uses them
records what it did with ``log_action(...)`` (e.g. ``log_action("directory.load_units",
details={"created": 3321})``).

A service that records a model's change itself — one ``log_action(..., after=snapshot(obj))``
instead of a generic entry plus its own — wraps the change in ``skip_capture(Model)``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from chinhquyen.audit.choices import ChangeAction
from chinhquyen.audit.serialize import field_values, masked

EXTRA_AUDITED_MODELS = frozenset(
    {
        "auth.group",
        "otp_totp.totpdevice",
        "otp_static.staticdevice",
        "otp_static.statictoken",
    }
)
# Changes to only these fields are not worth an entry (the login itself is recorded).
IGNORED_CHANGE_FIELDS = frozenset({"last_login"})

_BEFORE_ATTR = "_audit_before"
_SKIPPED: ContextVar[frozenset] = ContextVar("audit_capture_skipped", default=frozenset())


@contextmanager
def skip_capture(*models_: type[models.Model]) -> Iterator[None]:
    """Inside the block, saves/deletes of exactly these models make no generic entry.

    Only for a service that records the same change itself with ``log_action`` (with the
    ``before``/``after`` snapshots, see :func:`snapshot`), in the same transaction.
    """
    token = _SKIPPED.set(_SKIPPED.get() | frozenset(models_))
    try:
        yield
    finally:
        _SKIPPED.reset(token)


def snapshot(instance: models.Model) -> dict:
    """The masked field values of ``instance``, as the generic capture records them."""
    return masked(type(instance), field_values(instance))


def _skipped(sender) -> bool:
    skipped = _SKIPPED.get()
    return bool(skipped) and sender in skipped


def is_audited(model: type[models.Model]) -> bool:
    opts = model._meta
    if opts.app_label == "audit":
        return False
    if opts.label_lower in EXTRA_AUDITED_MODELS:
        return True
    return opts.app_config is not None and opts.app_config.name.startswith("chinhquyen.")


def _snapshot_before(sender, instance, raw=False, using=None, **kwargs) -> None:
    if _skipped(sender):
        return
    if instance.pk is None:
        instance.__dict__[_BEFORE_ATTR] = None
        return
    stored = list(sender._base_manager.using(using).filter(pk=instance.pk)[:1])
    instance.__dict__[_BEFORE_ATTR] = field_values(stored[0]) if stored else None


def _record_save(sender, instance, created, raw=False, using=None, update_fields=None, **kw):
    from chinhquyen.audit.services import record_change

    if _skipped(sender):
        return
    before = instance.__dict__.pop(_BEFORE_ATTR, None)
    current = field_values(instance)
    model = type(instance)
    if created or before is None:
        record_change(
            ChangeAction.CREATE,
            instance,
            None,
            masked(model, current),
            details={"raw": True} if raw else None,
        )
        return
    # Only the saved fields reached the database (update_fields, or the loaded fields of a
    # deferred instance); the rest of "after" is what was stored before.
    saved = set(update_fields) if update_fields else set(current)
    after = {
        name: current[name] if name in saved and name in current else value
        for name, value in before.items()
    }
    changed = [name for name, value in after.items() if before.get(name) != value]
    if not [name for name in changed if name not in IGNORED_CHANGE_FIELDS]:
        return
    record_change(
        ChangeAction.UPDATE,
        instance,
        masked(model, before),
        masked(model, after),
        details={"changed": changed},
    )


def _record_delete(sender, instance, using=None, origin=None, **kwargs) -> None:
    from chinhquyen.audit.services import record_change

    if _skipped(sender):
        return
    details = None
    if origin is not None and origin is not instance and isinstance(origin, models.Model):
        details = {"cascade_from": f"{origin._meta.label_lower}:{origin.pk}"}
    record_change(
        ChangeAction.DELETE,
        instance,
        masked(type(instance), field_values(instance)),
        None,
        details=details,
    )


_M2M_ACTIONS = {
    "post_add": ChangeAction.M2M_ADD,
    "post_remove": ChangeAction.M2M_REMOVE,
    "post_clear": ChangeAction.M2M_CLEAR,
}


def _record_m2m(sender, instance, action, reverse, model, pk_set, using=None, **kwargs) -> None:
    from chinhquyen.audit.services import record_change

    if action not in _M2M_ACTIONS or (action != "post_clear" and not pk_set):
        return
    record_change(
        _M2M_ACTIONS[action],
        instance,
        None,
        None,
        details={
            "relation": sender._meta.label_lower,
            "related_model": model._meta.label_lower,
            "related_ids": sorted(pk_set or (), key=str),
        },
    )


def connect() -> None:
    """Connect the capture to every audited model (called once from AuditConfig.ready())."""
    for model in apps.get_models():
        if not is_audited(model):
            continue
        uid = f"audit:{model._meta.label_lower}"
        pre_save.connect(_snapshot_before, sender=model, dispatch_uid=uid)
        post_save.connect(_record_save, sender=model, dispatch_uid=uid)
        post_delete.connect(_record_delete, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _record_m2m, sender=through, dispatch_uid=f"audit:{through._meta.label_lower}"
            )
