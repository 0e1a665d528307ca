"""Fixtures of the portal tests: a small published catalogue, and dossiers to count."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from chinhquyen.core.tests.test_pages_in_browser import (  # noqa: F401 (browser fixtures)
    browser,
    open_page,
)
from chinhquyen.dossiers.tests.conftest import (  # noqa: F401 (fixtures used by the tests)
    at,
    catalogue,
    coded_orgs,
    receive,
    specialist_minh,
)
from chinhquyen.procedures import services
from chinhquyen.procedures.choices import ImplementingLevel, OnlineMode, TimeUnit

IN_FORCE = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture
def civil_status(db):
    return services.get_or_create_field(code="HT", name="Hộ tịch", name_en="Civil status")


@pytest.fixture
def business(db):
    return services.get_or_create_field(code="DN", name="Thành lập doanh nghiệp")


def publish(code, *, name, field, agencies=(), components=(), **values):
    """Create and publish a procedure through the catalogue services."""
    values = {
        "level": ImplementingLevel.COMMUNE,
        "processing_time": Decimal(3),
        "time_unit": TimeUnit.WORKING_DAYS,
        **values,
    }
    version = services.create_procedure(
        national_code=code,
        acting_user=None,
        name=name,
        field=field,
        implementing_agencies=list(agencies),
        **values,
    )
    for component in components:
        services.add_component(version, acting_user=None, **component)
    return services.publish_version(version, effective_from=IN_FORCE, acting_user=None)


@pytest.fixture
def small_catalogue(org_tree, civil_status, business):
    """Six procedures in force; names chosen to exercise accents, đ and word prefixes."""
    return {
        "birth": publish(
            "1.001193",
            name="Đăng ký khai sinh",
            name_en="Birth registration",
            field=civil_status,
            agencies=[org_tree.dept_a],
            online_mode=OnlineMode.FULL,
            result_type="Giấy khai sinh",
            result_type_en="Birth certificate",
            components=[
                {
                    "name": "Tờ khai đăng ký khai sinh",
                    "name_en": "Birth registration form",
                    "template_file": ContentFile(b"%PDF-1.4 to khai", name="to-khai.pdf"),
                },
                {"name": "Giấy chứng sinh"},
            ],
            legal_basis="Luật Hộ tịch 2014",
        ),
        "late_birth": publish(
            "1.004884",
            name="Đăng ký lại khai sinh",
            field=civil_status,
            agencies=[org_tree.dept_a],
            online_mode=OnlineMode.PARTIAL,
        ),
        "death": publish(
            "1.000656",
            name="Đăng ký khai tử",
            field=civil_status,
            agencies=[org_tree.dept_b],
            legal_basis="Luật Hộ tịch 2014; thay thế giấy khai sinh",
        ),
        "marriage": publish(
            "1.000894",
            name="Đăng ký kết hôn",
            field=civil_status,
            agencies=[org_tree.dept_a],
            online_mode=OnlineMode.FULL,
        ),
        "company": publish(
            "2.001610",
            name="Đăng ký thành lập doanh nghiệp tư nhân",
            field=business,
            agencies=[org_tree.dept_b],
            level=ImplementingLevel.PROVINCE,
            result_type="Giấy chứng nhận đăng ký doanh nghiệp",
        ),
        "dinh_chinh": publish(
            "2.000748",
            name="Đính chính thông tin hộ tịch",
            field=civil_status,
            agencies=[org_tree.dept_b],
        ),
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The home page caches its popular procedures; each test starts without."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
