"""Background tasks (``django.tasks`` with the database backend, django_tasks_db)."""

from django.tasks import task

from chinhquyen.audit.context import audited_task


@task()
@audited_task
def flag_overdue_task() -> int:
    """Flag dossiers past their appointment without an apology (run it periodically)."""
    from chinhquyen.dossiers.services import flag_overdue

    return flag_overdue()


@task()
@audited_task(actor_kwarg="acting_user_id")
def sign_results_task(*, dossier_ids: list[int], acting_user_id: int) -> dict:
    """Sign many result PDFs in the background (software keys only: a PIN is never queued).

    Returns ``{"signed": [codes], "failed": [[code, reason], …]}`` as the task's result.
    """
    from django.contrib.auth import get_user_model

    from chinhquyen.dossiers.services.results import sign_results

    user = get_user_model()._default_manager.get(pk=acting_user_id)
    outcome = sign_results(dossier_ids, acting_user=user)
    return {"signed": outcome.signed, "failed": [list(item) for item in outcome.failed]}
