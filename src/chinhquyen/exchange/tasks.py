"""Background tasks (``django.tasks``, database backend django_tasks_db)."""

from django.tasks import task

from chinhquyen.audit.context import audited_task


@task()
@audited_task
def deliver_task(*, message_id: int) -> str:
    """Deliver one outbox message (claimed, so a duplicate task sends nothing)."""
    from chinhquyen.exchange.outbox import deliver_message

    message = deliver_message(message_id)
    return message.status if message is not None else "skipped"


@task()
@audited_task
def process_inbox_task(*, message_id: int) -> str:
    """Process one inbox message through its kind's handler (exactly once)."""
    from chinhquyen.exchange.inbox import process_message

    message = process_message(message_id)
    return message.status if message is not None else "skipped"
