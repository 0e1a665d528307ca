"""The outgoing pages: lists by stage (query count pinned), the document page with the right
buttons for the right person, actions through plain POST forms, files through an authorising
view, and the draft form (LibreOffice once)."""

# ruff: noqa: F811 (fixtures imported from the outgoing test fixtures are parameters here)

import shutil

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chinhquyen.documents.choices import OutgoingStatus, ReviewerRole
from chinhquyen.documents.models import OutgoingDocument
from chinhquyen.documents.services import numbering
from chinhquyen.documents.services.review import submit_for_review
from chinhquyen.documents.tests.test_outgoing_fixtures import make_draft, named_tree  # noqa: F401

LIST = reverse("documents:outgoing_list")


def in_review(tree, author, deputy, leader, **kwargs):
    draft = make_draft(tree, author, leader, **kwargs)
    submit_for_review(
        draft,
        [(ReviewerRole.DIVISION_LEADER, deputy), (ReviewerRole.AGENCY_LEADER, leader)],
        author,
    )
    return draft


def list_queries(client, tab="all") -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"tab": tab})
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_list_query_count_does_not_grow(
    named_tree, specialist_dung, deputy_cuong, leader_binh, login
):
    client = login(specialist_dung)
    make_draft(named_tree, specialist_dung, leader_binh, subject="Văn bản một")
    few, _html = list_queries(client)
    for index in range(6):
        make_draft(named_tree, specialist_dung, leader_binh, subject=f"Văn bản số {index}")
    many, html = list_queries(client)
    assert few == many
    # session, user, grants (3), access keys (organisations, officials), counts, page, …
    assert many == 15
    assert "Văn bản số 5" in html and "Văn bản một" in html


def test_to_review_tab_lists_only_my_turn(
    named_tree, specialist_dung, deputy_cuong, leader_binh, login
):
    waiting = in_review(
        named_tree, specialist_dung, deputy_cuong, leader_binh, subject="Kế hoạch kiểm tra năm 2027"
    )
    make_draft(named_tree, specialist_dung, leader_binh, subject="Còn nháp")
    _count, html = list_queries(login(deputy_cuong), "review")
    assert waiting.subject in html and "Còn nháp" not in html
    # The agency leader's turn has not come yet.
    _count, html = list_queries(login(leader_binh), "review")
    assert waiting.subject not in html


def test_detail_page_access(named_tree, specialist_dung, leader_binh, personas, client):
    from chinhquyen.core.testing import assert_permission_matrix

    draft = make_draft(named_tree, specialist_dung, leader_binh)
    assert_permission_matrix(
        client,
        reverse("documents:outgoing", args=[draft.pk]),
        {
            "anonymous": 302,
            "citizen_chi": 403,
            "other_citizen": 403,
            "other_agency_official": 404,
            "specialist_dung": 200,
            "deputy_cuong": 200,
            "leader_binh": 200,
            "clerk_hoa": 200,
            "officer_an": 404,
            "admin_giang": 200,
        },
        personas=personas,
    )


def test_buttons_follow_the_turn(named_tree, specialist_dung, deputy_cuong, leader_binh, login):
    draft = in_review(named_tree, specialist_dung, deputy_cuong, leader_binh)
    url = reverse("documents:outgoing", args=[draft.pk])
    approve = reverse("documents:outgoing_approve", args=[draft.pk])
    page = login(deputy_cuong).get(url).content.decode()
    assert approve in page
    # In Vietnamese, the default language of the back office.
    assert "Trả lại để sửa" in page and "Tình trạng văn bản tại từng nơi nhận" in page
    assert approve not in login(leader_binh).get(url).content.decode()
    assert approve not in login(specialist_dung).get(url).content.decode()


def test_actions_by_post(named_tree, specialist_dung, deputy_cuong, leader_binh, login):
    draft = in_review(named_tree, specialist_dung, deputy_cuong, leader_binh)
    approve = reverse("documents:outgoing_approve", args=[draft.pk])
    back = reverse("documents:outgoing_return", args=[draft.pk])
    events = draft.events.count()

    assert login(leader_binh).post(approve).status_code == 403  # not their turn
    response = login(deputy_cuong).post(back, {"comment": ""})
    assert response.status_code == 400
    assert draft.events.count() == events

    response = login(deputy_cuong).post(back, {"comment": "Sửa trích yếu"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == OutgoingStatus.DRAFT
    response = login(deputy_cuong).post(approve)
    assert response.status_code == 409
    assert "Sửa trích yếu" in login(specialist_dung).get(draft.get_absolute_url()).content.decode()

    submit = reverse("documents:outgoing_submit", args=[draft.pk])
    response = login(specialist_dung).post(
        submit, {"division_leader": deputy_cuong.pk, "agency_leader": leader_binh.pk}
    )
    assert response.status_code == 302
    assert login(deputy_cuong).post(approve, {"comment": "OK"}).status_code == 302
    assert login(leader_binh).post(approve).status_code == 302
    draft.refresh_from_db()
    assert draft.status == OutgoingStatus.APPROVED


def test_files_are_streamed_to_readers_only(
    named_tree, specialist_dung, leader_binh, other_agency_official, login
):
    draft = make_draft(named_tree, specialist_dung, leader_binh)
    docx = reverse("documents:outgoing_version_file", args=[draft.pk, 1, "docx"])
    pdf = reverse("documents:outgoing_version_file", args=[draft.pk, 1, "pdf"])
    response = login(specialist_dung).get(docx)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert login(specialist_dung).get(pdf)["Content-Type"] == "application/pdf"
    assert login(other_agency_official).get(docx).status_code == 404
    missing = reverse("documents:outgoing_version_file", args=[draft.pk, 9, "pdf"])
    assert login(specialist_dung).get(missing).status_code == 404


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is needed")
def test_draft_form(named_tree, specialist_dung, leader_binh, login):
    client = login(specialist_dung)
    url = reverse("documents:outgoing_create")
    page = client.get(url)
    assert page.status_code == 200
    assert "Trần Thị Bình" in page.content.decode()
    data = {
        "drafting_unit": named_tree.division_a1.pk,
        "document_type": numbering.type_in_force("cong-van").pk,
        "subject": "Đề nghị báo cáo số liệu",
        "body": "Sở A đề nghị Sở B báo cáo.\nTrân trọng.",
        "to_organisations": [named_tree.dept_b.pk],
        "other_recipients": "Bộ Nội vụ | 000.00.00.G09\nCông ty Hoa Sen",
        "signer": leader_binh.official.pk,
        "signer_competence": "",
        "urgency": "normal",
        "secrecy": "none",
        "due_date": "2026-09-02",  # National Day: moved to the next working day
    }
    bad = client.post(url, {**data, "other_recipients": "Bộ Nội vụ | 12"})
    assert bad.status_code == 400
    assert not OutgoingDocument.objects.exists()
    response = client.post(url, data)
    document = OutgoingDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert document.organisation == named_tree.dept_a
    assert [(r.name, r.channel) for r in document.recipients.order_by("pk")] == [
        ("Sở B", "internal"),
        ("Bộ Nội vụ", "exchange"),
        ("Công ty Hoa Sen", "post"),
    ]
    assert document.versions.get().pdf.read().startswith(b"%PDF")
    assert document.due_date.isoformat() > "2026-09-02"
    assert "02/09/2026" in document.events.get().note
    page = client.get(document.get_absolute_url()).content.decode()
    assert "02/09/2026" in page  # the warning after the redirect, and the timeline


def test_outsiders_cannot_open_the_form(other_citizen, officer_an, login):
    assert login(other_citizen).get(reverse("documents:outgoing_create")).status_code == 403
    assert login(officer_an).get(reverse("documents:outgoing_create")).status_code == 403


def test_detail_query_count_does_not_grow(
    named_tree, specialist_dung, deputy_cuong, leader_binh, login
):
    from chinhquyen.documents.services.drafting import add_comment

    draft = in_review(named_tree, specialist_dung, deputy_cuong, leader_binh)
    client = login(deputy_cuong)
    url = reverse("documents:outgoing", args=[draft.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for index in range(5):
        add_comment(draft, f"Góp ý {index}", leader_binh)
    assert count() == few
