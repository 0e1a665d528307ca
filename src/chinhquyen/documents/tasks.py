"""Background tasks of the documents app (``django.tasks``, database backend django_tasks_db)."""

from django.tasks import task

from chinhquyen.audit.context import audited_task


@task()
@audited_task(actor_kwarg="acting_user_id")
def extract_document_text(
    file_id: int, *, force: bool = False, acting_user_id: int | None = None
) -> str:
    """Read the text of one document file (PDF text layer or OCR of a scan).

    Claimed by a conditional UPDATE, so a duplicate task does nothing; ``acting_user_id`` is
    the person who asked (the "retry" button), recorded as the actor. Returns the file's text
    status afterwards ("missing" if the file does not exist).
    """
    from chinhquyen.documents.services.text import extract_file_text

    document_file = extract_file_text(file_id, force=force)
    return document_file.text_status if document_file is not None else "missing"
