"""Fixtures of the payment tests: a dossier of citizen_chi with two fee lines, signed gateway
messages, and the sandbox gateway served on a free loopback port.

Fee lines of ``chi_dossier`` (procedure of ``dossiers/tests/conftest.py`` plus one fee):
"Lệ phí cấp phép" 75 000 đ and "Phí thẩm định" 50 000 đ — 125 000 đ to pay.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.urls import reverse

from chinhquyen.dossiers.tests.conftest import (  # noqa: F401  (fixtures used here)
    at,
    catalogue,
    coded_orgs,
    receive,
)
from chinhquyen.payments.gateways import vnpay
from chinhquyen.payments.sandbox import Merchant, SandboxServer

MERCHANT = "CQTEST01"
SECRET = "test-secret-0123456789"  # noqa: S105 (test fixture)
FORM_Q = re.compile(r"name='q' value='([^']*)'")


@pytest.fixture
def gateway_settings(settings):
    settings.PAYMENT_GATEWAY = "vnpay"
    settings.PAYMENT_GATEWAY_URL = "http://127.0.0.1:9/paymentv2/vpcpay.html"
    settings.PAYMENT_MERCHANT_CODE = MERCHANT
    settings.PAYMENT_HASH_SECRET = SECRET
    settings.PUBLIC_BASE_URL = "http://testserver"
    return settings


@pytest.fixture
def chi_dossier(catalogue, receive, citizen_chi, gateway_settings):  # noqa: F811
    from chinhquyen.procedures.models import ProcedureFee

    ProcedureFee.objects.create(version=catalogue.version, name="Phí thẩm định", amount=50000)
    applicant = {
        "name": "Ngô Thị Chi",
        "id_number": "037190000123",
        "phone": "0912345678",
        "address": "12 Trần Phú",
        "user": citizen_chi,
    }
    return receive(applicant=applicant)


def gateway_params(order, *, code: str = "00", amount: int | None = None, number="14000001"):
    """What the gateway signs after a payment (success "00", cancelled "24")."""
    paid = code == "00"
    return {
        "vnp_TmnCode": MERCHANT,
        "vnp_Amount": str((order.amount if amount is None else amount) * 100),
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": "VNP" + number if paid else "",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": "Thanh toan phi",
        "vnp_PayDate": "20260205100000",
        "vnp_ResponseCode": code,
        "vnp_TransactionNo": number if paid else "0",
        "vnp_TransactionStatus": "00" if paid else "02",
        "vnp_TxnRef": order.reference,
    }


def signed(params: dict, secret: str = SECRET) -> dict:
    return vnpay.sign(params, secret)


@pytest.fixture
def sandbox(live_server, gateway_settings):
    """The sandbox gateway on a free port, notifying the live Django server."""
    ipn_url = urljoin(live_server.url, reverse("payments:ipn"))
    server = SandboxServer(merchants=[Merchant(code=MERCHANT, secret=SECRET, ipn_url=ipn_url)])
    server.start()
    gateway_settings.PAYMENT_GATEWAY_URL = server.payment_url
    gateway_settings.PUBLIC_BASE_URL = live_server.url
    yield server
    server.stop()


def sandbox_form(html: str) -> str:
    """The hidden ``q`` field of the sandbox's payment page."""
    match = FORM_Q.search(html)
    assert match, html
    return unescape(match.group(1))


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


SEEDS = [
    ("chinhquyen.worktime.migrations.0002_default_working_hours", "create_default"),
    ("chinhquyen.dossiers.migrations.0002_seed_decree61_rule_set", "seed"),
    ("chinhquyen.dossiers.migrations.0003_indicator_rules_feedback", "seed"),
]


@pytest.fixture
def migration_seeds(transactional_db):
    """Rows the data migrations seed (rule set, office hours): a transactional test after
    another one finds the tables flushed, so seed them again (each seed is idempotent)."""
    import importlib

    from django.apps import apps

    for module, function in SEEDS:
        getattr(importlib.import_module(module), function)(apps, None)
