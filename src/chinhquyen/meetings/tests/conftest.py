"""Fixtures of the work-calendar tests: times in Vietnam, endpoints, an IT administrator."""

import datetime

import pytest

from chinhquyen.accounts.choices import Role
from chinhquyen.conftest import make_role_holder
from chinhquyen.meetings import services
from chinhquyen.meetings.choices import EndpointLevel
from chinhquyen.worktime.calendar import TZ


def at(year, month, day, hour=0, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def it_admin_tam(org_tree):
    return make_role_holder(
        "it_admin_tam",
        full_name="Lý Minh Tâm",
        organisation=org_tree.dept_a,
        role=Role.IT_ADMIN,
        position="Quản trị mạng",
    )


@pytest.fixture
def endpoint_a(org_tree):
    return services.create_endpoint(
        organisation=org_tree.dept_a,
        name="Phòng họp trực tuyến Sở A",
        level=EndpointLevel.DEPARTMENT,
        location="Tầng 3",
        capacity=40,
        acting_user=None,
    )


@pytest.fixture
def endpoint_b(org_tree):
    return services.create_endpoint(
        organisation=org_tree.dept_b,
        name="Điểm cầu Sở B",
        level=EndpointLevel.DEPARTMENT,
        acting_user=None,
    )


@pytest.fixture
def make_entry(org_tree, leader_binh):
    def _make(title="Họp giao ban", start=None, end=None, organisation=None, **extra):
        saved = services.create_entry(
            organisation=organisation or org_tree.dept_a,
            title=title,
            starts_at=start or at(2026, 11, 30, 8),
            ends_at=end or at(2026, 11, 30, 10),
            chair=extra.pop("chair", leader_binh.official),
            acting_user=extra.pop("acting_user", None),
            **extra,
        )
        return saved.entry

    return _make
