"""Drafts are kept on the server: the htmx autosave stores what was typed (even incomplete or
invalid), the "Save draft" button does the same without JavaScript, and a reload shows it."""

import pytest

from chinhquyen.audit.models import AuditEntry
from chinhquyen.eforms.models import ApplicationDraft

pytestmark = pytest.mark.django_db


def test_starting_needs_a_citizen_sign_in(client, online):
    response = client.post(f"/nop-ho-so/{online.procedure.national_code}/")
    assert response.status_code == 302
    assert response["Location"] == "/cong-dan/dang-nhap/?next=%2Fnop-ho-so%2F1.009972%2F"
    assert ApplicationDraft.objects.count() == 0


def test_starting_opens_a_prefilled_draft_of_the_form_in_force(client, citizen_chi, online):
    client.force_login(citizen_chi)
    response = client.post(f"/nop-ho-so/{online.procedure.national_code}/")
    draft = ApplicationDraft.objects.get()
    assert response["Location"] == f"/nop-ho-so/ho-so-nhap/{draft.pk}/"
    assert draft.form_version.number == 1
    assert draft.receiving_agency == online.version.implementing_agencies.get()
    assert draft.data == {"applicant": {"full_name": "Ngô Thị Chi"}}
    assert AuditEntry.objects.filter(action="eforms.start_application").count() == 1


def test_autosave_stores_partial_invalid_data_and_a_reload_shows_it(client, citizen_chi, draft_of):
    # given a draft
    draft = draft_of(citizen_chi)
    client.force_login(citizen_chi)
    # when htmx posts what was typed so far (an incomplete phone, a wrong number)
    response = client.post(
        f"/nop-ho-so/ho-so-nhap/{draft.pk}/tu-dong-luu/",
        {"f.applicant.full_name": "Ngô Thị Chi", "f.applicant.phone": "0912", "f.copies": "hai"},
        HTTP_HX_REQUEST="true",
    )
    # then it is stored as typed, no validation, and a short status is answered
    assert response.status_code == 200
    assert response.content.decode().startswith("Đã tự động lưu nháp lúc ")
    draft.refresh_from_db()
    assert draft.data == {
        "applicant": {"full_name": "Ngô Thị Chi", "phone": "0912"},
        "copies": "hai",
        "agree": False,
    }
    # and reloading the page (a lost connection, another device) shows it
    page = client.get(f"/nop-ho-so/ho-so-nhap/{draft.pk}/").content.decode()
    assert 'name="f.applicant.phone" value="0912"' in page
    assert 'name="f.copies" value="hai"' in page


def test_the_save_button_works_without_javascript(client, citizen_chi, draft_of):
    draft = draft_of(citizen_chi)
    client.force_login(citizen_chi)
    response = client.post(
        f"/nop-ho-so/ho-so-nhap/{draft.pk}/", {"f.notes": "Cần gấp", "action": "save"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/nop-ho-so/ho-so-nhap/{draft.pk}/"
    draft.refresh_from_db()
    assert draft.data["notes"] == "Cần gấp"


def test_the_form_page_autosaves_with_vendored_htmx(client, citizen_chi, draft_of):
    draft = draft_of(citizen_chi)
    client.force_login(citizen_chi)
    page = client.get(f"/nop-ho-so/ho-so-nhap/{draft.pk}/").content.decode()
    assert f'hx-post="/nop-ho-so/ho-so-nhap/{draft.pk}/tu-dong-luu/"' in page
    assert 'hx-trigger="input delay:3s, change"' in page
    assert '<script src="/static/core/vendor/htmx/htmx.min.js" defer></script>' in page


def test_my_drafts_lists_them_and_resumes(client, citizen_chi, other_citizen, draft_of):
    mine = draft_of(citizen_chi)
    draft_of(other_citizen)
    client.force_login(citizen_chi)
    page = client.get("/nop-ho-so/ho-so-nhap/").content.decode()
    assert page.count('href="/nop-ho-so/ho-so-nhap/') == 1
    assert (
        f'<a href="/nop-ho-so/ho-so-nhap/{mine.pk}/">Cấp giấy phép xây dựng nhà ở riêng lẻ</a>'
        in page
    )


def test_another_citizen_cannot_see_or_change_a_draft(client, citizen_chi, other_citizen, draft_of):
    draft = draft_of(citizen_chi)
    client.force_login(other_citizen)
    assert client.get(f"/nop-ho-so/ho-so-nhap/{draft.pk}/").status_code == 404
    response = client.post(f"/nop-ho-so/ho-so-nhap/{draft.pk}/tu-dong-luu/", {"f.notes": "x"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.data == {"applicant": {"full_name": "Ngô Thị Chi"}}


def test_an_official_cannot_use_the_citizen_pages(client, officer_an, citizen_chi, draft_of):
    draft = draft_of(citizen_chi)
    client.force_login(officer_an)
    assert client.get(f"/nop-ho-so/ho-so-nhap/{draft.pk}/").status_code == 403


def test_deleting_a_draft(client, citizen_chi, draft_of):
    draft = draft_of(citizen_chi)
    client.force_login(citizen_chi)
    response = client.post(f"/nop-ho-so/ho-so-nhap/{draft.pk}/xoa/")
    assert response.status_code == 302
    assert ApplicationDraft.objects.count() == 0
    assert AuditEntry.objects.filter(action="eforms.delete_draft").count() == 1
