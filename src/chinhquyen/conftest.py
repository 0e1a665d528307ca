"""Shared pytest fixtures: a small organisation tree and named personas.

Tree (``org_tree``)::

    province   Provincial People's Committee
    ├── dept_a     Department A (Sở A)
    │   └── division_a1   Division A1 (Phòng A1)
    └── dept_b     Department B (Sở B)

Personas (users; every one has the password ``PERSONA_PASSWORD``), roles given through
``accounts.services.assign_role``:

=========================  =============================================================
``officer_an``             one-stop officer in department A
``leader_binh``            agency leader of department A
``deputy_cuong``           division leader of division A1 (leader_binh's deputy)
``specialist_dung``        specialist in division A1
``clerk_hoa``              clerk (văn thư) of department A
``admin_giang``            system administrator (at the province committee)
``other_agency_official``  one-stop officer in department B (the "wrong agency")
``citizen_chi``            a citizen account (kind citizen), no official profile
``other_citizen``          another citizen
=========================  =============================================================

``personas`` maps those names (and ``"anonymous"`` → None) to users, for
``chinhquyen.core.testing.assert_permission_matrix``.

Browser tests get ``chromium`` (Debian's Chromium through Playwright) and ``axe_script``
(axe-core from tools/axe) from ``chinhquyen.core.browser_testing``.
"""

from dataclasses import dataclass
from functools import cache

import pytest
from django.contrib.auth.hashers import make_password

from chinhquyen.accounts.choices import Role, UserKind
from chinhquyen.core.browser_testing import (  # noqa: F401 (fixtures: Chromium and axe-core)
    axe_script,
    chromium,
)

PERSONA_PASSWORD = "Persona-Pass-2026!"  # noqa: S105 (test fixtures only)


@cache
def _persona_password_hash() -> str:
    # Argon2 is deliberately slow; hash the shared password once per test session.
    return make_password(PERSONA_PASSWORD)


@dataclass
class OrgTree:
    province: object
    dept_a: object
    division_a1: object
    dept_b: object


def _create_organisation(*, parent, name: str, kind: str, qcvn_code: str | None = None):
    try:
        from chinhquyen.directory.services import create_organisation
    except ImportError:
        create_organisation = None
    if create_organisation is not None:
        return create_organisation(parent=parent, name=name, kind=kind, qcvn_code=qcvn_code)
    from chinhquyen.directory.models import Organisation

    if parent is None:
        return Organisation.add_root(name=name, kind=kind, qcvn_code=qcvn_code)
    return Organisation.objects.get(pk=parent.pk).add_child(
        name=name, kind=kind, qcvn_code=qcvn_code
    )


def make_user(username: str, *, kind: str = UserKind.OFFICIAL, full_name: str = ""):
    from chinhquyen.accounts.models import User

    return User.objects.create(
        username=username,
        kind=kind,
        full_name=full_name or username,
        password=_persona_password_hash(),
    )


def make_official(username: str, *, full_name: str, organisation, position: str = ""):
    """A user of kind official with an Official profile in ``organisation``."""
    from chinhquyen.accounts.models import User
    from chinhquyen.directory.models import Official

    try:
        from chinhquyen.directory.services import create_official
    except ImportError:
        create_official = None
    if create_official is None:
        user = make_user(username, full_name=full_name)
        return Official.objects.create(
            user=user, full_name=full_name, position=position, organisation=organisation
        )
    official = create_official(
        username=username, full_name=full_name, organisation=organisation, position=position
    )
    # The service leaves the password unusable; set the shared one (hashed once per session).
    User.objects.filter(pk=official.user_id).update(password=_persona_password_hash())
    official.user.password = _persona_password_hash()
    return official


def make_role_holder(username: str, *, full_name: str, organisation, role: str, position: str = ""):
    from chinhquyen.accounts.services import assign_role

    official = make_official(
        username, full_name=full_name, organisation=organisation, position=position
    )
    assign_role(official=official, role=role, organisation=organisation)
    return official.user


@pytest.fixture
def org_tree(db) -> OrgTree:
    from chinhquyen.directory.choices import OrganisationKind

    province = _create_organisation(
        parent=None,
        name="Ủy ban nhân dân tỉnh Thử Nghiệm",
        kind=OrganisationKind.PEOPLES_COMMITTEE,
    )
    dept_a = _create_organisation(parent=province, name="Sở A", kind=OrganisationKind.DEPARTMENT)
    division_a1 = _create_organisation(
        parent=dept_a, name="Phòng A1", kind=OrganisationKind.DIVISION
    )
    dept_b = _create_organisation(parent=province, name="Sở B", kind=OrganisationKind.DEPARTMENT)
    return OrgTree(province=province, dept_a=dept_a, division_a1=division_a1, dept_b=dept_b)


@pytest.fixture
def officer_an(org_tree):
    return make_role_holder(
        "officer_an",
        full_name="Nguyễn Văn An",
        organisation=org_tree.dept_a,
        role=Role.ONE_STOP_OFFICER,
        position="Cán bộ một cửa",
    )


@pytest.fixture
def leader_binh(org_tree):
    return make_role_holder(
        "leader_binh",
        full_name="Trần Thị Bình",
        organisation=org_tree.dept_a,
        role=Role.AGENCY_LEADER,
        position="Giám đốc Sở",
    )


@pytest.fixture
def deputy_cuong(org_tree):
    return make_role_holder(
        "deputy_cuong",
        full_name="Lê Văn Cường",
        organisation=org_tree.division_a1,
        role=Role.DIVISION_LEADER,
        position="Trưởng phòng",
    )


@pytest.fixture
def specialist_dung(org_tree):
    return make_role_holder(
        "specialist_dung",
        full_name="Phạm Minh Dũng",
        organisation=org_tree.division_a1,
        role=Role.SPECIALIST,
        position="Chuyên viên",
    )


@pytest.fixture
def clerk_hoa(org_tree):
    return make_role_holder(
        "clerk_hoa",
        full_name="Vũ Thị Hoa",
        organisation=org_tree.dept_a,
        role=Role.CLERK,
        position="Văn thư",
    )


@pytest.fixture
def admin_giang(org_tree):
    return make_role_holder(
        "admin_giang",
        full_name="Đỗ Hương Giang",
        organisation=org_tree.province,
        role=Role.SYSTEM_ADMIN,
        position="Quản trị hệ thống",
    )


@pytest.fixture
def other_agency_official(org_tree):
    return make_role_holder(
        "officer_khoa",
        full_name="Hoàng Văn Khoa",
        organisation=org_tree.dept_b,
        role=Role.ONE_STOP_OFFICER,
        position="Cán bộ một cửa",
    )


@pytest.fixture
def citizen_chi(db):
    return make_user("citizen_chi", kind=UserKind.CITIZEN, full_name="Ngô Thị Chi")


@pytest.fixture
def other_citizen(db):
    return make_user("citizen_lan", kind=UserKind.CITIZEN, full_name="Bùi Thị Lan")


@pytest.fixture
def personas(
    officer_an,
    leader_binh,
    deputy_cuong,
    specialist_dung,
    clerk_hoa,
    admin_giang,
    other_agency_official,
    citizen_chi,
    other_citizen,
) -> dict:
    return {
        "anonymous": None,
        "officer_an": officer_an,
        "leader_binh": leader_binh,
        "deputy_cuong": deputy_cuong,
        "specialist_dung": specialist_dung,
        "clerk_hoa": clerk_hoa,
        "admin_giang": admin_giang,
        "other_agency_official": other_agency_official,
        "citizen_chi": citizen_chi,
        "other_citizen": other_citizen,
    }


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in (no password round trip) and returns it."""
    from chinhquyen.core.testing import login_as

    def _login(user, *, otp_device=None):
        return login_as(client, user, otp_device=otp_device)

    return _login


# The rows the data migrations seed (rules, document types, working hours), by their own code.
MIGRATION_SEEDS = (
    ("chinhquyen.documents.migrations.0002_decree30_document_types", "seed"),
    ("chinhquyen.dossiers.migrations.0002_seed_decree61_rule_set", "seed"),
    ("chinhquyen.worktime.migrations.0002_default_working_hours", "create_default"),
)


@pytest.fixture
def reseeded(transactional_db):
    """A transactional test's flush empties every table, also what the data migrations seeded,
    for the tests that run after it on the same worker: seed it again (each seed is
    idempotent)."""
    import importlib

    from django.apps import apps

    for module, function in MIGRATION_SEEDS:
        getattr(importlib.import_module(module), function)(apps, None)
