"""The same package received twice at the same moment is filed once (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection, connections

from chinhquyen.documents.models import IncomingDocument
from chinhquyen.exchange.edxml.packages import document_bytes
from chinhquyen.exchange.edxml.testing import *  # noqa: F403

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks"
)


@pytest.fixture(autouse=True)
def seeded_types(reseeded):
    """What the data migrations seeded, again after a flush (conftest.reseeded)."""


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_package_make_one_document(exchange_recipient, org_b_xml_key):
    from chinhquyen.documents.services.exchange_receive import receive_package

    data = document_bytes(exchange_recipient)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            document = receive_package(data, received_via="race")
            results.append((document.pk, document.exchange_duplicate))
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
    assert IncomingDocument.objects.count() == 1
    assert len({pk for pk, _dup in results}) == 1
    assert sorted(dup for _pk, dup in results) == [False, True, True, True]
