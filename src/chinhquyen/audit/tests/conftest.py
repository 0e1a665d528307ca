import pytest
from django.db import connection

from chinhquyen.accounts.models import User
from chinhquyen.audit.models import AuditEntry
from chinhquyen.directory.choices import OrganisationKind
from chinhquyen.directory.models import Organisation


@pytest.fixture
def officer_an(db) -> User:
    return User.objects.create_user(
        username="an.nguyen", password="Mat-khau-an-2025", full_name="Nguyễn Văn An"
    )


@pytest.fixture
def admin_hoa(db) -> User:
    return User.objects.create_superuser(
        username="hoa.tran", password="Mat-khau-hoa-2025", full_name="Trần Thị Hoa"
    )


@pytest.fixture
def make_organisation(db):
    def make(name: str = "Sở Tư pháp", qcvn_code: str | None = None) -> Organisation:
        return Organisation.objects.add_root(
            {"name": name, "kind": OrganisationKind.DEPARTMENT, "qcvn_code": qcvn_code}
        )

    return make


def last_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def entries_since(marker: int):
    return list(AuditEntry.objects.filter(id__gt=marker).order_by("id"))


def tamper(sql: str, params: list) -> None:
    """Run SQL as a DBA would, bypassing the application and PostgreSQL's append-only trigger.

    On PostgreSQL a superuser switches the session to replica mode, which skips ordinary
    triggers (``ALTER TABLE … DISABLE TRIGGER`` would do too, but not inside a transaction
    that has pending foreign-key checks, as every test transaction here has).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
