"""Submitted answers are validated with jsonschema; each error is shown next to its field in
the chosen language, not as raw jsonschema English."""

import pytest
from django.utils import translation

from chinhquyen.eforms import schema as schemas
from chinhquyen.eforms.models import ApplicationDraft
from chinhquyen.eforms.tests.conftest import VALID_POST, form_schema

pytestmark = pytest.mark.django_db

BAD = {
    "f.applicant.full_name": "",
    "f.applicant.phone": "12345",
    "f.applicant.email": "chi-at-example",
    "f.applicant.birth_date": "31/02/1990",
    "f.purpose": "holiday",
    "f.copies": "ba",
}


def test_errors_are_keyed_by_field_and_translated():
    data = schemas.data_from_post(form_schema(), _post(BAD))
    with translation.override("vi"):
        vi = schemas.validate_data(form_schema(), data)
    with translation.override("en"):
        en = schemas.validate_data(form_schema(), data)
    assert vi == {
        "applicant.full_name": ["Trường này là bắt buộc."],
        "applicant.phone": ["Nhập số điện thoại hợp lệ, ví dụ 0912345678."],
        "applicant.email": ["Nhập địa chỉ thư điện tử hợp lệ, ví dụ ten@example.vn."],
        "applicant.birth_date": ["Nhập ngày hợp lệ, ví dụ 31/12/1990."],
        "purpose": ["Chọn một trong các lựa chọn."],
        "copies": ["Nhập một số nguyên."],
        "agree": ["Bạn phải đánh dấu ô này để tiếp tục."],
    }
    assert en["copies"] == ["Enter a whole number."]
    assert en["agree"] == ["You must tick this box to continue."]


def test_a_missing_fieldset_marks_its_required_fields():
    with translation.override("en"):
        errors = schemas.validate_data(form_schema(), {})
    assert errors == {
        "applicant.full_name": ["This field is required."],
        "applicant.phone": ["This field is required."],
        "purpose": ["This field is required."],
        "copies": ["This field is required."],
        "agree": ["This field is required."],
    }


def test_limits_use_the_schema_numbers():
    data = schemas.data_from_post(form_schema(), _post({**VALID_POST, "f.copies": "9"}))
    with translation.override("en"):
        assert schemas.validate_data(form_schema(), data) == {
            "copies": ["Enter a value of at most 5."]
        }


@pytest.mark.parametrize(
    ("typed", "stored"), [("1.000", 1000), ("12", 12), ("1.5", "1.5"), ("ba", "ba")]
)
def test_integers_accept_the_thousands_separator_only(typed, stored):
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    assert schemas.data_from_post(schema, _post({"f.n": typed})) == {"n": stored}


def test_valid_answers_are_typed():
    data = schemas.data_from_post(form_schema(), _post(VALID_POST))
    assert data == {
        "applicant": {
            "full_name": "Ngô Thị Chi",
            "phone": "0912345678",
            "email": "chi@example.vn",
            "birth_date": "1990-03-05",
        },
        "purpose": "work",
        "copies": 2,
        "agree": True,
    }
    assert schemas.validate_data(form_schema(), data) == {}


def _post(values):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in values.items():
        query[key] = value
    return query


def test_continue_with_bad_answers_shows_each_message_next_to_its_field(
    client, citizen_chi, draft_of
):
    # given
    draft = draft_of(citizen_chi)
    client.force_login(citizen_chi)
    # when the citizen continues with bad answers
    response = client.post(f"/nop-ho-so/ho-so-nhap/{draft.pk}/", {**BAD, "action": "continue"})
    # then 400, each message in the field's group, referenced by aria-describedby
    assert response.status_code == 400
    page = response.content.decode()
    assert '<ul class="errorlist" id="f-copies-error"><li>Nhập một số nguyên.</li></ul>' in page
    assert 'id="f-copies" name="f.copies" value="ba" inputmode="numeric"' in page
    assert 'aria-describedby="f-copies-hint f-copies-error" aria-invalid="true"' in page
    assert (
        '<ul class="errorlist" id="f-applicant-phone-error"><li>Nhập số điện thoại hợp lệ, '
        "ví dụ 0912345678.</li></ul>" in page
    )
    # and what was typed is kept as a draft, the wrong text included
    draft.refresh_from_db()
    assert draft.data["copies"] == "ba"
    assert draft.data["applicant"]["phone"] == "12345"


def test_the_messages_follow_the_chosen_language(client, citizen_chi, draft_of):
    draft = draft_of(citizen_chi)
    client.force_login(citizen_chi)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.post(f"/nop-ho-so/ho-so-nhap/{draft.pk}/", {**BAD, "action": "continue"})
    assert response.status_code == 400
    page = response.content.decode()
    assert '<ul class="errorlist" id="f-copies-error"><li>Enter a whole number.</li></ul>' in page
    assert (
        '<ul class="errorlist" id="f-purpose-error"><li>Choose one of the options.</li></ul>'
        in page
    )


def test_valid_answers_lead_to_the_documents(client, citizen_chi, draft_of):
    draft = draft_of(citizen_chi)
    client.force_login(citizen_chi)
    response = client.post(
        f"/nop-ho-so/ho-so-nhap/{draft.pk}/", {**VALID_POST, "action": "continue"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/nop-ho-so/ho-so-nhap/{draft.pk}/tep/"
    assert ApplicationDraft.objects.get(pk=draft.pk).data["copies"] == 2
