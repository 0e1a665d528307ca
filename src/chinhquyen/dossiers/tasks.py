"""Background tasks (``django.tasks`` with the database backend, django_tasks_db)."""

from django.tasks import task

from chinhquyen.audit.context import audited_task


@task()
@audited_task
def flag_overdue_task() -> int:
    """Flag dossiers past their appointment without an apology (run it periodically)."""
    from chinhquyen.dossiers.services import flag_overdue

    return flag_overdue()
