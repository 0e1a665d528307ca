import datetime

import pytest

from chinhquyen.accounts.choices import Role
from chinhquyen.conftest import make_role_holder
from chinhquyen.worktime.calendar import TZ


def at(text: str) -> datetime.datetime:
    """'2026-02-13 09:00' as an aware Asia/Ho_Chi_Minh datetime."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture
def it_admin_tuan(org_tree):
    """The province's IT administrator."""
    return make_role_holder(
        "it_admin_tuan",
        full_name="Trịnh Minh Tuấn",
        organisation=org_tree.province,
        role=Role.IT_ADMIN,
        position="Quản trị CNTT",
    )
