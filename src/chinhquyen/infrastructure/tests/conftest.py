import pytest
from django.utils import timezone

from chinhquyen.accounts.choices import Role
from chinhquyen.conftest import make_role_holder

YEAR = timezone.localdate().year


@pytest.fixture
def it_tam(org_tree):
    """The IT officer of department A (it_admin at Sở A)."""
    return make_role_holder(
        "it_tam",
        full_name="Lý Văn Tâm",
        organisation=org_tree.dept_a,
        role=Role.IT_ADMIN,
        position="Chuyên viên CNTT",
    )


@pytest.fixture
def it_province(org_tree):
    """The provincial IT department (it_admin at the province's root)."""
    return make_role_holder(
        "it_tinh",
        full_name="Vũ Đức Tin",
        organisation=org_tree.province,
        role=Role.IT_ADMIN,
        position="Quản trị công nghệ thông tin",
    )


def figures(**overrides) -> dict:
    """A valid set of inventory figures (officials differ from the directory: a reason)."""
    values = {
        "officials": 40,
        "officials_reason": "Theo biên chế được giao",
        "computers": 38,
        "computers_lan": 36,
        "computers_internet": 38,
        "has_lan": True,
        "internet_mbps": 200,
        "data_network": True,
        "data_network_mbps": 40,
        "firewall_model": "Fortinet FortiGate 100F",
        "firewall_layers": 2,
        "antivirus_seats": 30,
        "has_wifi": True,
        "wifi_access_points": 4,
        "officials_with_email": 39,
        "it_staff": 2,
        "it_staff_degrees": 1,
        "training_sessions": 2,
        "trainees": 45,
        "note": "",
    }
    values.update(overrides)
    return values
