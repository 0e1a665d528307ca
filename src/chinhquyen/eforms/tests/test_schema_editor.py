"""The IT administrator edits a procedure's form as JSON Schema: checked against the 2020-12
meta-schema and the rendered subset, previewed server-side, saved as a draft, published."""

import json

import pytest

from chinhquyen.audit.models import AuditEntry
from chinhquyen.eforms import schema as schemas
from chinhquyen.eforms import services
from chinhquyen.eforms.choices import FormStatus
from chinhquyen.eforms.exceptions import InvalidState, SchemaInvalid
from chinhquyen.eforms.models import FormVersion
from chinhquyen.eforms.tests.conftest import at, form_schema

pytestmark = pytest.mark.django_db


def url(procedure) -> str:
    return f"/nop-ho-so/quan-tri/{procedure.national_code}/"


def test_a_valid_schema_passes_the_check():
    schemas.check_schema(form_schema())


def test_a_schema_breaking_the_meta_schema_is_refused_in_both_languages():
    # given "minLength" must be a non-negative integer (2020-12 meta-schema)
    schema = form_schema()
    schema["properties"]["notes"]["minLength"] = "many"
    # when / then
    with pytest.raises(SchemaInvalid) as caught:
        schemas.check_schema(schema)
    assert caught.value.code == "schema_invalid"
    message = caught.value.message
    assert message.startswith("Biểu mẫu không phải là JSON Schema hợp lệ tại properties/notes/")
    assert " / The form is not a valid JSON Schema at properties/notes/minLength: " in message


def test_unsupported_shapes_are_listed():
    schema = form_schema()
    schema["properties"]["applicant"]["properties"]["deep"] = {
        "type": "object",
        "properties": {"x": {"type": "string"}},
    }
    schema["properties"]["purpose"]["x-enum-titles"] = ["Một"]
    with pytest.raises(SchemaInvalid) as caught:
        schemas.check_schema(schema)
    assert caught.value.errors["schema"] == [
        "“applicant.deep”: chỉ cho phép một cấp đối tượng lồng nhau. / "
        "“applicant.deep”: only one level of nested objects.",
        "“purpose”: “x-enum-titles” phải có một nhãn cho mỗi giá trị “enum”. / "
        "“purpose”: “x-enum-titles” must have one title per “enum” value.",
    ]


def test_bad_json_is_refused_with_the_line(client, it_tuan, online):
    # given
    client.force_login(it_tuan)
    before = list(FormVersion.objects.values_list("pk", "schema"))
    # when
    text = '{\n  "type": object\n}'
    response = client.post(url(online.procedure), {"schema": text, "action": "save"})
    # then
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "Văn bản không phải là JSON hợp lệ: Expecting value (dòng 2, cột 11). / "
        "The text is not valid JSON: Expecting value (line 2, column 11)."
    ) in page
    assert list(FormVersion.objects.values_list("pk", "schema")) == before


def test_preview_renders_without_saving(client, it_tuan, online):
    client.force_login(it_tuan)
    schema = form_schema()
    schema["properties"]["notes"]["title"] = "Ghi chú thêm"
    response = client.post(
        url(online.procedure), {"schema": json.dumps(schema), "action": "preview"}
    )
    assert response.status_code == 200
    assert '<label for="f-notes">Ghi chú thêm</label>' in response.content.decode()
    assert FormVersion.objects.filter(procedure=online.procedure).count() == 1


def test_saving_makes_a_draft_version_then_publishing_puts_it_in_force(client, it_tuan, online):
    # given the published version 1
    client.force_login(it_tuan)
    schema = form_schema()
    schema["properties"]["notes"]["title"] = "Ghi chú thêm"
    # when the administrator saves
    response = client.post(url(online.procedure), {"schema": json.dumps(schema), "action": "save"})
    # then a draft version 2 holds it, audited; version 1 is unchanged
    assert response.status_code == 302
    draft = FormVersion.objects.get(procedure=online.procedure, number=2)
    assert draft.status == FormStatus.DRAFT
    assert draft.schema["properties"]["notes"]["title"] == "Ghi chú thêm"
    assert FormVersion.objects.get(number=1).schema == form_schema()
    entry = AuditEntry.objects.filter(action="eforms.save_form_draft").get()
    assert entry.actor_id == it_tuan.pk
    # when it is published from a date, it is the form in force from then
    services.publish_form(draft, effective_from=at(2026, 6, 1, 0, 0), acting_user=it_tuan)
    assert services.form_in_force(online.procedure, at(2026, 5, 31, 23, 0)).number == 1
    assert services.form_in_force(online.procedure, at(2026, 6, 1, 0, 0)).number == 2


def test_a_published_form_is_never_changed(it_tuan, online):
    published = FormVersion.objects.get(procedure=online.procedure, number=1)
    with pytest.raises(InvalidState):
        services.publish_form(published, effective_from=at(2027, 1, 1), acting_user=it_tuan)
    published.refresh_from_db()
    assert published.effective_from == at(2026, 1, 1, 0, 0)


def test_a_draft_cannot_come_into_force_before_the_current_form(it_tuan, online):
    draft = services.save_form_draft(
        procedure=online.procedure, schema_text=json.dumps(form_schema()), acting_user=it_tuan
    )
    with pytest.raises(InvalidState) as caught:
        services.publish_form(draft, effective_from=at(2025, 12, 1), acting_user=it_tuan)
    assert "The form must come into force after the version in force from 01/01/2026 00:00." in (
        caught.value.message
    )
    draft.refresh_from_db()
    assert draft.status == FormStatus.DRAFT


@pytest.mark.parametrize("persona", ["officer_an", "citizen_chi"])
def test_only_form_administrators_edit(client, request, online, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    before = list(FormVersion.objects.values_list("pk", "schema"))
    response = client.post(url(online.procedure), {"schema": "{}", "action": "save"})
    assert response.status_code == 403
    assert list(FormVersion.objects.values_list("pk", "schema")) == before


def test_the_national_portal_setting_sends_citizens_there(client, it_tuan, online):
    client.force_login(it_tuan)
    response = client.post(
        f"{url(online.procedure)}dich-vu/",
        {"national_portal": "on", "national_portal_url": "https://dichvucong.gov.vn/p/1"},
    )
    assert response.status_code == 302
    client.logout()
    page = client.get(f"/nop-ho-so/{online.procedure.national_code}/").content.decode()
    assert 'href="https://dichvucong.gov.vn/p/1"' in page
    assert "Start an application" not in page and "Bắt đầu nộp hồ sơ" not in page
