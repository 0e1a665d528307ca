"""Organisation identifiers: validated, unique over all rows, never rewritten nor reused."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from chinhquyen.directory.choices import OrganisationKind
from chinhquyen.directory.models import Organisation
from chinhquyen.directory.services import (
    close_organisation,
    create_organisation,
    update_organisation,
)

PC = OrganisationKind.PEOPLES_COMMITTEE
DEPT = OrganisationKind.DEPARTMENT


@pytest.fixture
def province(db):
    return create_organisation(
        name="Ủy ban nhân dân tỉnh Thử Nghiệm",
        kind=PC,
        qcvn_code="000.00.00.H99",
        decision20_code="H99",
    )


def test_codes_are_normalised_and_stored(province):
    justice = create_organisation(
        parent=province,
        name="Sở Tư pháp",
        kind=DEPT,
        qcvn_code=" 000.00.03.h99 ",
        decision20_code="h99.03",
    )

    justice.refresh_from_db()
    assert (justice.qcvn_code, justice.decision20_code) == ("000.00.03.H99", "H99.03")
    assert Organisation.objects.get_parent(justice) == province


@pytest.mark.parametrize(
    ("field", "value"),
    [("qcvn_code", "00.00.03.H99"), ("qcvn_code", "000.00.03.99H"), ("decision20_code", "h99..1")],
)
def test_an_invalid_code_is_refused_naming_the_field(province, field, value):
    with pytest.raises(ValidationError) as caught:
        create_organisation(parent=province, name="Sở Lỗi", kind=DEPT, **{field: value})

    assert list(caught.value.message_dict) == [field]
    message = caught.value.message_dict[field][0]
    assert value.strip().upper() in message and "(mã định danh" in message
    assert Organisation.objects.count() == 1


def test_a_duplicate_code_names_the_organisation_holding_it(province):
    create_organisation(parent=province, name="Sở Tư pháp", kind=DEPT, qcvn_code="000.00.03.H99")

    with pytest.raises(ValidationError) as caught:
        create_organisation(parent=province, name="Sở Trùng", kind=DEPT, qcvn_code="000.00.03.H99")

    message = caught.value.message_dict["qcvn_code"][0]
    assert message == (
        "The code 000.00.03.H99 is already held by “Sở Tư pháp”; codes are never reused "
        "(mã 000.00.03.H99 đã được cấp cho “Sở Tư pháp”, không được dùng lại)."
    )
    assert not Organisation.objects.filter(name="Sở Trùng").exists()


def test_a_child_code_must_belong_to_its_parents_level1_body(province):
    with pytest.raises(ValidationError) as caught:
        create_organisation(parent=province, name="Sở Lạc", kind=DEPT, qcvn_code="000.00.03.H37")

    assert "H99" in caught.value.message_dict["qcvn_code"][0]
    assert Organisation.objects.count() == 1


def test_a_code_once_set_is_never_rewritten(province):
    with pytest.raises(ValidationError) as caught:
        update_organisation(province, qcvn_code="000.00.00.H98")

    message = caught.value.message_dict["qcvn_code"][0]
    assert "000.00.00.H99" in message and "không được sửa" in message
    province.refresh_from_db()
    assert province.qcvn_code == "000.00.00.H99"


def test_a_missing_code_can_be_added_and_other_fields_changed(province):
    justice = create_organisation(parent=province, name="Sở Tư pháp", kind=DEPT)

    updated = update_organisation(
        justice, decision20_code="H99.03", name="Sở Tư pháp tỉnh", phone="0207 3822 000"
    )

    assert (updated.decision20_code, updated.name, updated.phone) == (
        "H99.03",
        "Sở Tư pháp tỉnh",
        "0207 3822 000",
    )
    assert updated.search_name == "so tu phap tinh"


def test_a_closed_organisation_keeps_its_codes_and_they_are_never_reused(province):
    district = create_organisation(
        parent=province,
        name="Ủy ban nhân dân huyện Yên Sơn",
        kind=OrganisationKind.DISTRICT_COMMITTEE,
        qcvn_code="000.00.41.H99",
    )
    commune = create_organisation(
        parent=province,
        name="Ủy ban nhân dân xã Yên Sơn",
        kind=OrganisationKind.COMMUNE_COMMITTEE,
        qcvn_code="000.00.54.H99",
    )

    close_organisation(district, valid_until=datetime.date(2025, 6, 30), successor=commune)

    district.refresh_from_db()
    assert (district.qcvn_code, district.valid_until, district.successor) == (
        "000.00.41.H99",
        datetime.date(2025, 6, 30),
        commune,
    )
    assert list(commune.predecessors.all()) == [district]
    with pytest.raises(ValidationError) as caught:
        create_organisation(
            parent=province,
            name="Ủy ban nhân dân xã Mới",
            kind=OrganisationKind.COMMUNE_COMMITTEE,
            qcvn_code="000.00.41.H99",
        )
    assert "Ủy ban nhân dân huyện Yên Sơn" in caught.value.message_dict["qcvn_code"][0]
    assert Organisation.objects.count() == 3


def test_closing_twice_or_before_validity_is_refused(province):
    province_closed = close_organisation(province, valid_until=datetime.date(2025, 6, 30))

    with pytest.raises(ValidationError) as caught:
        close_organisation(province_closed, valid_until=datetime.date(2025, 7, 30))

    assert "valid_until" in caught.value.message_dict
    province.refresh_from_db()
    assert province.valid_until == datetime.date(2025, 6, 30)


def test_closing_before_the_start_of_validity_is_refused(db):
    agency = create_organisation(name="Sở Mới", kind=DEPT, valid_from=datetime.date(2025, 7, 1))

    with pytest.raises(ValidationError) as caught:
        close_organisation(agency, valid_until=datetime.date(2025, 6, 1))

    assert list(caught.value.message_dict) == ["valid_until"]
    agency.refresh_from_db()
    assert agency.valid_until is None


def test_service_calls_are_audited_with_the_acting_user(province, admin_giang):
    from chinhquyen.audit.models import AuditEntry

    justice = create_organisation(
        parent=province, name="Sở Tư pháp", kind=DEPT, acting_user=admin_giang
    )
    update_organisation(justice, phone="0207 000", acting_user=admin_giang)

    entries = AuditEntry.objects.filter(action__startswith="directory.").order_by("id")
    assert [(e.action, e.actor) for e in entries if e.actor] == [
        ("directory.create_organisation", admin_giang),
        ("directory.update_organisation", admin_giang),
    ]
    assert entries.last().details["after"] == {"phone": "0207 000"}
