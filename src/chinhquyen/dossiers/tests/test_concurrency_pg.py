"""Concurrency on PostgreSQL (skipped on SQLite, whose single writer serialises anyway)."""

import threading

import pytest
from django.db import connection, connections

from chinhquyen.dossiers.exceptions import InvalidTransition
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import transition
from chinhquyen.dossiers.tests.conftest import at

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks"
)


@pytest.fixture(autouse=True)
def seeded_rules(reseeded):
    """What the data migrations seeded, again after a flush (conftest.reseeded)."""


def _run_threads(target, count):
    errors, results = [], []
    barrier = threading.Barrier(count)

    def worker(i):
        try:
            barrier.wait()
            results.append(target(i))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_intakes_get_unique_gap_free_codes(receive):
    results, errors = _run_threads(lambda i: receive().code, 8)
    assert errors == []
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in results)
    assert numbers == list(range(1, 9))


@pytest.mark.django_db(transaction=True)
def test_two_officials_acting_at_once_exactly_one_wins(receive, officer_an):
    dossier = receive()
    version = dossier.version

    def act(i):
        return transition(
            Dossier.objects.get(pk=dossier.pk),
            "forward",
            acting_user=officer_an,
            expected_version=version,
            at=at(2026, 2, 5, 10, i),
        )

    results, errors = _run_threads(act, 2)
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], InvalidTransition)
    assert Dossier.objects.get(pk=dossier.pk).version == version + 1
