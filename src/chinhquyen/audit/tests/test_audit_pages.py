"""The back-office audit log: only for those who see everything, filtered, bounded queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chinhquyen.audit.services import log_action

pytestmark = pytest.mark.django_db


def test_a_superuser_sees_the_log_in_a_bounded_number_of_queries(
    client, admin_hoa, officer_an, make_organisation
):
    # given entries by several actors
    client.force_login(admin_hoa)
    log_action("test.page", actor=officer_an)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("audit:list"))

    # when thirty more entries (and an organisation) are shown
    for number in range(30):
        log_action("test.page", actor=officer_an if number % 2 else admin_hoa)
    make_organisation("Sở Xây dựng")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("audit:list"))

    # then the page costs the same queries, entries and their actors in exactly one
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    audit_queries = [q for q in many.captured_queries if "audit_auditentry" in q["sql"]]
    assert len(audit_queries) == 1
    body = response.content.decode()
    assert "test.page" in body
    assert "Sở Xây dựng" in body
    assert "Nguyễn Văn An" in body


def test_filters_narrow_the_list(client, admin_hoa, officer_an):
    log_action("directory.create_organisation", actor=officer_an)
    log_action("accounts.assign_role", actor=admin_hoa)
    client.force_login(admin_hoa)

    response = client.get(reverse("audit:list"), {"actor": "an.nguyen", "action": "directory."})

    assert response.status_code == 200
    entries = response.context["entries"]
    assert [(entry.action, entry.actor) for entry in entries] == [
        ("directory.create_organisation", officer_an)
    ]


def test_an_inverted_date_range_is_a_clear_400(client, admin_hoa):
    client.force_login(admin_hoa)
    response = client.get(
        reverse("audit:list"), {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 400
    assert list(response.context["entries"]) == []


def test_pages_continue_with_older_entries(client, admin_hoa):
    entries = [log_action("test.older", details={"n": n}) for n in range(55)]
    client.force_login(admin_hoa)
    first = client.get(reverse("audit:list"), {"action": "test.older"})
    assert len(first.context["entries"]) == 50
    assert first.context["older"] == entries[5].id
    second = client.get(reverse("audit:list"), {"action": "test.older", "before": entries[5].id})
    assert [entry.id for entry in second.context["entries"]] == [e.id for e in entries[4::-1]]


def test_an_official_without_the_system_admin_role_is_refused(client, officer_an):
    client.force_login(officer_an)
    assert client.get(reverse("audit:list")).status_code == 403
    entry = log_action("test.secret")
    assert client.get(reverse("audit:detail", args=[entry.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("audit:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_detail_page_shows_before_and_after(client, admin_hoa, make_organisation):
    organisation = make_organisation("Sở Tài chính")
    organisation.name = "Sở Tài chính tỉnh Tuyên Quang"
    organisation.save()
    from chinhquyen.audit.services import entries_for

    update = entries_for(organisation).first()
    client.force_login(admin_hoa)

    response = client.get(reverse("audit:detail", args=[update.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Sở Tài chính tỉnh Tuyên Quang" in body
    assert update.hash in body


@pytest.mark.parametrize("cursor", ["²", "abc", "9" * 30])
def test_a_malformed_or_huge_page_cursor_is_harmless(client, admin_hoa, cursor):
    entry = log_action("test.cursor")
    client.force_login(admin_hoa)

    response = client.get(reverse("audit:list"), {"action": "test.cursor", "before": cursor})

    assert response.status_code == 200
    assert [shown.id for shown in response.context["entries"]] == [entry.id]
