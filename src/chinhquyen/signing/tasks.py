"""Background tasks (``django.tasks``, database backend)."""

from django.tasks import task

from chinhquyen.audit.context import audited_task


@task()
@audited_task
def expiry_warnings_task(threshold_days: int | None = None) -> dict[str, int]:
    """Certificate expiry warnings (run it daily); idempotent, see ``signing.expiry``."""
    from chinhquyen.signing.expiry import send_expiry_warnings

    return send_expiry_warnings(threshold_days=threshold_days)
