"""Two workers never read the same file: the claim under real concurrency on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from chinhquyen.documents.choices import EventType, TextStatus
from chinhquyen.documents.models import DocumentEvent
from chinhquyen.documents.services.text import extract_file_text
from chinhquyen.documents.tests import test_text_fixtures as fixtures

incoming, add_file, media = fixtures.incoming, fixtures.add_file, fixtures.media
PDF, born_digital_pdf = fixtures.PDF, fixtures.born_digital_pdf

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent PostgreSQL transactions"
)


@pytest.fixture(autouse=True)
def seeded_types(reseeded):
    """What the data migrations seeded, again after a flush (conftest.reseeded)."""


@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_one_file_read_it_once(incoming, add_file):
    pdf = add_file(born_digital_pdf(["Công văn về việc rà soát thủ tục hành chính."]), "a.pdf", PDF)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(extract_file_text(pdf.pk).text_status)
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(results) == 4
    assert (
        DocumentEvent.objects.filter(incoming=incoming, type=EventType.TEXT_EXTRACTED).count() == 1
    )
    pdf.refresh_from_db()
    assert pdf.text_status == TextStatus.EXTRACTED
