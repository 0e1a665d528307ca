"""Fixtures: a real SMTP server (aiosmtpd) and the sandbox SMS gateway, both on loopback.

``smtp_port`` is a free loopback port with the site's mailer pointed at it (nothing listens
yet); ``smtp_server`` starts aiosmtpd there (``start_smtp()`` starts it later, for retries)
and records every message it receives in ``.messages`` (``email.message.EmailMessage``).
"""

import email
import email.policy
import socket
import time

import pytest
from aiosmtpd.controller import Controller

from chinhquyen.accounts.choices import Role
from chinhquyen.conftest import make_role_holder
from chinhquyen.dossiers.tests.conftest import (  # noqa: F401 (fixtures)
    catalogue,
    coded_orgs,
    receive,
    specialist_minh,
)
from chinhquyen.notifications.sandbox import SmsSandbox
from chinhquyen.payments.tests.conftest import migration_seeds  # noqa: F401 (fixture)


class RecordingHandler:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_port(settings) -> int:
    port = free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }
    return port


@pytest.fixture
def start_smtp(smtp_port):
    controllers = []

    def _start() -> RecordingHandler:
        handler = RecordingHandler()
        controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
        for _ in range(50):  # the port was free a moment ago; retry briefly if it lingers
            try:
                controller.start()
                break
            except OSError:
                time.sleep(0.1)
        controllers.append(controller)
        return handler

    yield _start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp_server(start_smtp) -> RecordingHandler:
    return start_smtp()


@pytest.fixture
def sms_gateway(settings):
    sandbox = SmsSandbox(api_key="test-key")
    sandbox.start()
    settings.SMS_GATEWAY_URL = sandbox.sms_url
    settings.SMS_GATEWAY_API_KEY = "test-key"
    settings.SMS_BRANDNAME = "UBND-TQ"
    settings.NOTIFICATION_SMS_BACKEND = "chinhquyen.notifications.sms.HttpSmsGateway"
    yield sandbox
    sandbox.stop()


@pytest.fixture
def it_admin_lan(org_tree):
    return make_role_holder(
        "it_admin_lan",
        full_name="Vũ Thị Lan",
        organisation=org_tree.dept_a,
        role=Role.IT_ADMIN,
        position="Quản trị CNTT Sở A",
    )


@pytest.fixture
def it_admin_other(org_tree):
    return make_role_holder(
        "it_admin_other",
        full_name="Phan Văn Tâm",
        organisation=org_tree.dept_b,
        role=Role.IT_ADMIN,
        position="Quản trị CNTT Sở B",
    )


APPLICANT = {
    "name": "Ngô Thị Chi",
    "id_number": "037190000123",
    "phone": "0912345678",
    "email": "chi@example.vn",
    "address": "12 Trần Phú",
}
