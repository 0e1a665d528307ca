import datetime
from decimal import Decimal

import pytest

from chinhquyen.accounts.choices import Role
from chinhquyen.conftest import make_role_holder
from chinhquyen.procedures import services
from chinhquyen.procedures.choices import ImplementingLevel, StepAction, TimeUnit

T0 = datetime.datetime(2026, 1, 5, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def it_tuan(org_tree):
    return make_role_holder(
        "it_tuan",
        full_name="Vũ Đức Tuấn",
        organisation=org_tree.province,
        role=Role.IT_ADMIN,
        position="Quản trị công nghệ thông tin",
    )


@pytest.fixture
def civil_status(db):
    return services.get_or_create_field(code="HT", name="Hộ tịch", name_en="Civil status")


@pytest.fixture
def judicial_record(civil_status, org_tree):
    """A published procedure (10 working days = 75 h), in force from T0, with a 3-step process."""
    version = services.create_procedure(
        national_code="2.000488",
        acting_user=None,
        name="Cấp Phiếu lý lịch tư pháp",
        field=civil_status,
        level=ImplementingLevel.PROVINCE,
        processing_time=Decimal(10),
        time_unit=TimeUnit.WORKING_DAYS,
        implementing_agencies=[org_tree.dept_a],
    )
    services.add_component(version, acting_user=None, name="Tờ khai", originals=1, copies=0)
    services.add_fee(version, acting_user=None, kind="fee", name="Phí LLTP", amount=200000)
    return services.publish_version(version, effective_from=T0, acting_user=None)


def build_process(procedure, *, agency=None, hours=(4, 60, 8), ending=True):
    definition = services.create_process(procedure, agency=agency, acting_user=None)
    steps = [
        services.add_step(
            definition,
            acting_user=None,
            code=f"s{i}",
            name=f"Bước {i}",
            performer_role=Role.SPECIALIST,
            allotted_hours=Decimal(h),
        )
        for i, h in enumerate(hours, start=1)
    ]
    for current, following in zip(steps, steps[1:], strict=False):
        services.set_transition(
            current, action=StepAction.FORWARD, next_step=following, acting_user=None
        )
    if ending:
        services.set_transition(
            steps[-1], action=StepAction.APPROVE, next_step=None, acting_user=None
        )
    return definition, steps
