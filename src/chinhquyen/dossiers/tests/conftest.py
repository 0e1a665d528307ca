"""Fixtures of the dossier tests: a published procedure whose process spans two agencies.

Process "walk" (legal time 5 working days = 37.5 working hours; steps sum to 34 hours)::

    1 receive   one-stop officer, processing agency (4 h)   forward → 2
    2 review    specialist, processing agency (15 h)        request_supplement → 2,
                                                            transfer → 3, return → 1
    3 opinion   specialist of department B (7.5 h)          forward → 4
    4 decide    agency leader, processing agency (7.5 h)    approve → end, reject → end
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.accounts.choices import Role
from chinhquyen.conftest import make_role_holder

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DEPT_A_CODE = "000.00.12.H37"
DEPT_B_CODE = "000.00.13.H37"


def at(*args) -> datetime.datetime:
    """A local (Asia/Ho_Chi_Minh) instant: ``at(2026, 2, 5, 15, 30)``."""
    return datetime.datetime(*args, tzinfo=ICT)


def pdf(name: str = "don.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@dataclass
class Catalogue:
    procedure: object
    version: object
    application_form: object
    id_copy: object
    optional_doc: object
    process: object
    receive: object
    review: object
    opinion: object
    decide: object
    fee: object


@pytest.fixture
def coded_orgs(org_tree):
    from chinhquyen.directory.models import Organisation

    Organisation.objects.filter(pk=org_tree.dept_a.pk).update(qcvn_code=DEPT_A_CODE)
    Organisation.objects.filter(pk=org_tree.dept_b.pk).update(qcvn_code=DEPT_B_CODE)
    org_tree.dept_a.refresh_from_db()
    org_tree.dept_b.refresh_from_db()
    return org_tree


@pytest.fixture
def catalogue(coded_orgs) -> Catalogue:
    from chinhquyen.procedures.choices import (
        ComponentRequirement,
        ImplementingLevel,
        StepAction,
        TimeUnit,
        VersionStatus,
    )
    from chinhquyen.procedures.models import (
        Procedure,
        ProcedureComponent,
        ProcedureFee,
        ProcedureField,
        ProcedureVersion,
        ProcessDefinition,
        ProcessStep,
        ProcessTransition,
    )

    effective = at(2026, 1, 1, 0, 0)
    field = ProcedureField.objects.create(code="XD", name="Xây dựng")
    procedure = Procedure.objects.create(national_code="1.009972")
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        status=VersionStatus.PUBLISHED,
        effective_from=effective,
        name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
        field=field,
        level=ImplementingLevel.PROVINCE,
        processing_time=Decimal(5),
        time_unit=TimeUnit.WORKING_DAYS,
    )
    form = ProcedureComponent.objects.create(version=version, order=1, name="Đơn đề nghị")
    id_copy = ProcedureComponent.objects.create(version=version, order=2, name="Bản sao CCCD")
    optional = ProcedureComponent.objects.create(
        version=version, order=3, name="Ảnh hiện trạng", requirement=ComponentRequirement.OPTIONAL
    )
    fee = ProcedureFee.objects.create(version=version, name="Lệ phí cấp phép", amount=75000)
    process = ProcessDefinition.objects.create(
        procedure=procedure, number=1, status=VersionStatus.PUBLISHED, effective_from=effective
    )

    def step(order, code, role, hours, agency=None):
        return ProcessStep.objects.create(
            definition=process,
            order=order,
            code=code,
            name=code.capitalize(),
            performer_role=role,
            performer_agency=agency,
            allotted_hours=Decimal(hours),
        )

    receive = step(1, "receive", Role.ONE_STOP_OFFICER, 4)
    review = step(2, "review", Role.SPECIALIST, 15)
    opinion = step(3, "opinion", Role.SPECIALIST, "7.5", coded_orgs.dept_b)
    decide = step(4, "decide", Role.AGENCY_LEADER, "7.5")
    for source, action, target in [
        (receive, StepAction.FORWARD, review),
        (review, StepAction.REQUEST_SUPPLEMENT, review),
        (review, StepAction.TRANSFER, opinion),
        (review, StepAction.RETURN, receive),
        (opinion, StepAction.FORWARD, decide),
        (decide, StepAction.APPROVE, None),
        (decide, StepAction.REJECT, None),
    ]:
        ProcessTransition.objects.create(step=source, action=action, next_step=target)
    return Catalogue(
        procedure, version, form, id_copy, optional, process, receive, review, opinion, decide, fee
    )


@pytest.fixture
def specialist_minh(coded_orgs):
    return make_role_holder(
        "specialist_minh",
        full_name="Đặng Văn Minh",
        organisation=coded_orgs.dept_b,
        role=Role.SPECIALIST,
        position="Chuyên viên Sở B",
    )


@pytest.fixture
def receive(catalogue, coded_orgs, officer_an):
    """``receive(**overrides)`` receives a complete dossier at department A's counter."""
    from chinhquyen.dossiers.services import receive_dossier

    def _receive(**overrides):
        values = {
            "procedure": catalogue.procedure,
            "receiving_agency": coded_orgs.dept_a,
            "channel": "counter",
            "applicant": {
                "name": "Ngô Thị Chi",
                "id_number": "037190000123",
                "phone": "0912345678",
                "address": "12 Trần Phú",
            },
            "components": [
                (catalogue.application_form, pdf()),
                (catalogue.id_copy, pdf("cccd.pdf")),
            ],
            "received_at": at(2026, 2, 5, 9, 0),
            "acting_user": officer_an,
        }
        values.update(overrides)
        return receive_dossier(**values)

    return _receive
