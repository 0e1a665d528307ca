"""The incoming pages: queue (scope, tabs, markers, pinned queries), register form (errors,
duplicate confirmation), document page, accept/return, and file streaming after authorising."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chinhquyen.documents.choices import IncomingStatus
from chinhquyen.documents.models import DocumentFile, IncomingDocument
from chinhquyen.documents.services.incoming import register_incoming
from chinhquyen.documents.tests.test_incoming_accept_return import delivered  # noqa: F401
from chinhquyen.documents.tests.test_incoming_registration import PDF, at, metadata, scan

pytestmark = pytest.mark.django_db


def _post_data(**changes):
    from chinhquyen.documents.models import DocumentType

    values = metadata()
    values["document_type"] = DocumentType.objects.get(code="cong-van").pk
    values["issued_date"] = "2026-02-02"
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


@pytest.fixture
def registered(org_tree, clerk_hoa):
    return [
        register_incoming(
            organisation=org_tree.dept_a,
            metadata=metadata(
                number=str(n),
                urgency="urgent" if n == 1 else "normal",
                due_date=datetime.date(2026, 2, 3) if n == 2 else None,
            ),
            files=[scan()],
            acting_user=clerk_hoa,
            arrived_at=at(2026, 2, 2, 9, n),
        ).document
        for n in range(1, 4)
    ]


def test_the_queue_lists_the_clerks_documents_with_markers(
    registered, clerk_hoa, login, django_assert_num_queries
):
    client = login(clerk_hoa)
    client.get(reverse("documents:incoming_list"))  # warm caches (session, scopes)
    # 13 + the user's access keys (the organisations in scope, the user's officials).
    with django_assert_num_queries(15):
        response = client.get(reverse("documents:incoming_list"))
    assert response.status_code == 200
    page = response.content.decode()
    for document in registered:
        assert document.get_absolute_url() in page
    assert page.count("marker-urgent") == 1
    assert page.count("marker-overdue") == 1


def test_the_query_count_does_not_grow_with_the_list(
    org_tree, registered, clerk_hoa, login, django_assert_num_queries
):
    for n in range(10, 30):
        register_incoming(
            organisation=org_tree.dept_a, metadata=metadata(number=str(n)), acting_user=clerk_hoa
        )
    client = login(clerk_hoa)
    client.get(reverse("documents:incoming_list"))
    with django_assert_num_queries(15):
        client.get(reverse("documents:incoming_list"))


def test_tabs_filter_by_status(registered, delivered, clerk_hoa, login):  # noqa: F811
    client = login(clerk_hoa)
    page = client.get(reverse("documents:incoming_list") + "?tab=received").content.decode()
    assert delivered.get_absolute_url() in page
    assert registered[0].get_absolute_url() not in page


def test_another_agency_sees_nothing_of_it(registered, other_agency_official, login):
    client = login(other_agency_official)
    page = client.get(reverse("documents:incoming_list")).content.decode()
    assert registered[0].get_absolute_url() not in page
    assert client.get(registered[0].get_absolute_url()).status_code == 404
    file_pk = registered[0].files.get().pk
    assert client.get(reverse("documents:file", args=[file_pk])).status_code == 404


def test_a_clerk_registers_a_paper_letter_through_the_form(org_tree, clerk_hoa, login):
    client = login(clerk_hoa)
    assert client.get(reverse("documents:incoming_register")).status_code == 200
    data = _post_data(files=[scan(), scan("trang-2.pdf")])
    response = client.post(reverse("documents:incoming_register"), data)
    document = IncomingDocument.objects.get()
    assert response.status_code == 302 and response.url == document.get_absolute_url()
    assert document.files.count() == 2
    page = client.get(document.get_absolute_url()).content.decode()
    assert "ĐẾN" in page and "45/UBND-VP" in page
    assert page.count(reverse("documents:file", args=[document.files.first().pk])) >= 1


def test_wrong_fields_are_shown_and_nothing_is_saved(clerk_hoa, login):
    client = login(clerk_hoa)
    response = client.post(
        reverse("documents:incoming_register"),
        _post_data(notation="qđ ubnd", issued_date="2099-01-01", files=[scan()]),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "without spaces" in page
    assert "cannot be after the day it arrived" in page
    assert 'role="alert"' in page
    assert not IncomingDocument.objects.exists() and not DocumentFile.objects.exists()


def test_an_unsupported_scan_is_a_clear_400(clerk_hoa, login):
    client = login(clerk_hoa)
    response = client.post(
        reverse("documents:incoming_register"),
        _post_data(files=[SimpleUploadedFile("scan.docx", b"PK\x03\x04 not really")]),
    )
    assert response.status_code == 400
    assert "scan.docx" in response.content.decode()
    assert not IncomingDocument.objects.exists()


def test_a_duplicate_needs_the_register_anyway_box(registered, clerk_hoa, login):
    client = login(clerk_hoa)
    data = _post_data(number="1")
    response = client.post(reverse("documents:incoming_register"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "acknowledge_duplicate" in page and registered[0].get_absolute_url() in page
    response = client.post(
        reverse("documents:incoming_register"), {**data, "acknowledge_duplicate": "on"}
    )
    assert response.status_code == 302
    assert IncomingDocument.objects.count() == 4


def test_a_file_is_streamed_to_who_may_see_the_document(registered, clerk_hoa, login):
    client = login(clerk_hoa)
    item = registered[0].files.get()
    response = client.get(reverse("documents:file", args=[item.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"
    assert (
        client.get(reverse("documents:file", args=[item.pk]) + "?searchable=1").status_code == 404
    )


def test_secret_documents_are_not_shown_to_a_specialist(
    org_tree, clerk_hoa, specialist_dung, login
):
    secret = register_incoming(
        organisation=org_tree.dept_a,
        metadata=metadata(secrecy="secret"),
        files=[scan()],
        acting_user=clerk_hoa,
    ).document
    client = login(specialist_dung)
    assert client.get(secret.get_absolute_url()).status_code == 404
    assert client.get(reverse("documents:file", args=[secret.files.get().pk])).status_code == 404


def test_accept_from_the_document_page(delivered, clerk_hoa, login):  # noqa: F811
    client = login(clerk_hoa)
    page = client.get(delivered.get_absolute_url()).content.decode()
    assert reverse("documents:incoming_accept", args=[delivered.pk]) in page
    response = client.post(
        reverse("documents:incoming_accept", args=[delivered.pk]), {"to_places": "Phòng A1"}
    )
    assert response.status_code == 302
    doc = IncomingDocument.objects.get(pk=delivered.pk)
    assert doc.status == IncomingStatus.REGISTERED and doc.arrival_number == 1
    # A second click is a wrong state (409), not a second number.
    again = client.post(reverse("documents:incoming_accept", args=[delivered.pk]), {})
    assert again.status_code == 409


def test_return_without_a_reason_is_refused(delivered, clerk_hoa, login):  # noqa: F811
    client = login(clerk_hoa)
    response = client.post(reverse("documents:incoming_return", args=[delivered.pk]), {})
    assert response.status_code == 400
    assert IncomingDocument.objects.get(pk=delivered.pk).status == IncomingStatus.RECEIVED


def test_the_page_reads_in_vietnamese(registered, clerk_hoa, login):
    client = login(clerk_hoa)
    client.cookies["django_language"] = "vi"
    page = client.get(registered[0].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Dấu “ĐẾN”" in page or "Số đến" in page


def test_the_clerk_changes_the_handling_details_only(registered, clerk_hoa, login):
    client = login(clerk_hoa)
    document = registered[0]
    subject = document.subject
    response = client.post(
        reverse("documents:incoming_update", args=[document.pk]),
        {
            "update-to_places": "Phòng A1",
            "update-due_date": "2026-02-28",  # a Saturday
            "subject": "bị bỏ qua",
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.to_places == "Phòng A1"
    assert document.due_date == datetime.date(2026, 3, 2)
    assert document.subject == subject == "V/v triển khai kế hoạch chuyển đổi số năm 2026"
