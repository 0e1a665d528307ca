"""Two copies of one notification at the same instant settle the order once (PostgreSQL row
locks; skipped on SQLite, whose single writer serialises anyway)."""

import threading

import pytest
from django.db import connection, connections

from chinhquyen.audit.models import AuditEntry
from chinhquyen.dossiers.models import Payment
from chinhquyen.payments import services
from chinhquyen.payments.choices import OrderStatus, Verdict
from chinhquyen.payments.tests.conftest import gateway_params, signed

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_seeds"),
]


def test_simultaneous_copies_of_a_notification_pay_once(chi_dossier, citizen_chi):
    order, _url = services.start_payment(dossier=chi_dossier, acting_user=citizen_chi)
    params = signed(gateway_params(order))
    barrier = threading.Barrier(4)
    verdicts, errors = [], []

    def deliver():
        try:
            barrier.wait()
            verdicts.append(services.handle_notification(params).verdict)
        except Exception as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(verdicts) == [Verdict.ACCEPTED] + [Verdict.DUPLICATE] * 3
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert Payment.objects.filter(dossier=chi_dossier, paid_at__isnull=False).count() == 2
    assert AuditEntry.objects.filter(action="dossiers.record_payment").count() == 2
