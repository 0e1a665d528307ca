"""The schema renders to accessible HTML fields, labelled in the chosen language."""

import re

import pytest

from chinhquyen.eforms import schema as schemas
from chinhquyen.eforms.tests.conftest import form_schema

pytestmark = pytest.mark.django_db


def kinds(fields) -> dict[str, str]:
    found = {}
    for f in fields:
        found[f.key] = f.kind
        found.update(kinds(f.children))
    return found


def test_each_json_type_gets_its_widget():
    schema = form_schema()
    schema["properties"]["tags"] = {
        "type": "array",
        "title": "Nhãn",
        "items": {"type": "string", "enum": ["a", "b"]},
    }
    schema["properties"]["children"] = {
        "type": "array",
        "title": "Con",
        "items": {"type": "string"},
    }
    schema["properties"]["district"] = {"type": "string", "title": "Huyện", "enum": list("abcdef")}
    fields = schemas.build_fields(schema)
    assert kinds(fields) == {
        "applicant": "fieldset",
        "applicant.full_name": "text",
        "applicant.phone": "text",
        "applicant.email": "text",
        "applicant.birth_date": "text",
        "purpose": "radio",
        "copies": "text",
        "notes": "textarea",
        "agree": "checkbox",
        "tags": "checkboxes",
        "children": "list",
        "district": "select",
    }
    applicant = {f.key: f for f in fields[0].children}
    assert applicant["applicant.phone"].input_type == "tel"
    assert applicant["applicant.email"].input_type == "email"
    assert applicant["applicant.birth_date"].input_type == "date"
    assert applicant["applicant.full_name"].autocomplete == "name"
    assert fields[2].inputmode == "numeric"


def test_the_form_page_has_labels_hints_and_required_marks(client, citizen_chi, draft_of):
    # given a started application
    draft = draft_of(citizen_chi)
    client.force_login(citizen_chi)
    # when the citizen opens it (Vietnamese, the default)
    page = client.get(f"/nop-ho-so/ho-so-nhap/{draft.pk}/").content.decode()
    # then every field has its label, hint and required mark, nested objects are fieldsets
    assert "<legend>Người yêu cầu</legend>" in page
    assert (
        '<label for="f-applicant-full-name">Họ và tên '
        '<span class="eform-required">(bắt buộc)</span></label>' in page
    )
    assert re.search(
        r'<input type="tel" id="f-applicant-phone" name="f.applicant.phone" value=""'
        r'[^>]*aria-required="true"',
        page,
    )
    assert '<span class="hint" id="f-copies-hint">Từ 1 đến 5 bản.</span>' in page
    assert 'aria-describedby="f-copies-hint"' in page
    assert '<label for="f-purpose-1">Xin việc</label>' in page
    assert '<textarea id="f-notes" name="f.notes" rows="5" maxlength="2000"' in page
    # and the name was pre-filled from the account
    assert 'id="f-applicant-full-name" name="f.applicant.full_name" value="Ngô Thị Chi"' in page


def test_english_labels_come_from_x_title_en(client, citizen_chi, draft_of):
    draft = draft_of(citizen_chi)
    client.force_login(citizen_chi)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/nop-ho-so/ho-so-nhap/{draft.pk}/").content.decode()
    assert "<legend>Applicant</legend>" in page
    assert '<label for="f-purpose-2">Study</label>' in page
    assert '<span class="hint" id="f-copies-hint">From 1 to 5 copies.</span>' in page
