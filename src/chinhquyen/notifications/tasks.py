"""Background tasks (``django.tasks``, database backend django_tasks_db)."""

from django.tasks import task

from chinhquyen.audit.context import audited_task


@task()
@audited_task
def deliver_task(*, delivery_id: int) -> str:
    """Send one outbox delivery (claimed, so a duplicate task sends nothing)."""
    from chinhquyen.notifications.services import deliver

    delivery = deliver(delivery_id)
    return delivery.status if delivery is not None else "skipped"
