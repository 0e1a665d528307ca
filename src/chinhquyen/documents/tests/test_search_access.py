"""Search respects access: a secret document is neither listed nor counted for someone not named.

The search restricts with ``services.search.incoming_visible`` / ``outgoing_visible``, the
access rule of ``services.access`` read from the documents' access keys
(``documents.access_keys``); the first tests prove the two give the same documents for every
persona over documents covering every branch of the rule.
"""

from __future__ import annotations

import pytest

from chinhquyen.directory.models import Official
from chinhquyen.documents.choices import (
    AssignmentRole,
    IncomingStatus,
    OutgoingStatus,
    ReviewerRole,
    Secrecy,
)
from chinhquyen.documents.models import (
    Assignment,
    IncomingDocument,
    OutgoingDocument,
    ReviewStep,
)
from chinhquyen.documents.services.access import (
    incoming_visible,
    incoming_visible_to,
    outgoing_visible,
    outgoing_visible_to,
)
from chinhquyen.documents.services.search import search_documents
from chinhquyen.documents.tests.test_search import at, make_incoming, make_outgoing

pytestmark = pytest.mark.django_db


def assign(document, unit, *, by, assignee=None):
    return Assignment.objects.create(
        document=document,
        role=AssignmentRole.LEAD,
        unit=unit,
        assignee=Official.objects.get(user=assignee) if assignee else None,
        assigned_by=by,
    )


@pytest.fixture
def documents(org_tree, personas):
    return make_scenario(org_tree, personas)


def make_scenario(org_tree, personas) -> dict:
    """Documents covering every branch of the access rule, by name."""
    p = personas
    a, b = org_tree.dept_a, org_tree.dept_b
    secret = {"secrecy": Secrecy.CONFIDENTIAL, "status": IncomingStatus.ASSIGNED}
    docs = {
        "open_a": make_incoming(a, "Mật mã công khai: văn bản thường của Sở A", arrived=at(0)),
        "secret_a": make_incoming(a, "Kế hoạch mật không giao ai", arrived=at(1), **secret),
        "secret_by_clerk": make_incoming(
            a,
            "Kế hoạch mật văn thư vào sổ",
            arrived=at(2),
            registered_by=p["clerk_hoa"],
            **secret,
        ),
        "secret_unit": make_incoming(a, "Kế hoạch mật giao Phòng A1", arrived=at(3), **secret),
        "secret_named": make_incoming(
            a, "Kế hoạch mật giao đích danh chuyên viên", arrived=at(4), **secret
        ),
        "open_b_to_a1": make_incoming(b, "Kế hoạch Sở B giao Phòng A1 phối hợp", arrived=at(5)),
        "open_b": make_incoming(b, "Kế hoạch riêng của Sở B", arrived=at(6)),
        "secret_province": make_incoming(
            org_tree.province, "Kế hoạch mật của Tỉnh giao Sở A", arrived=at(7), **secret
        ),
    }
    leader = p["leader_binh"]
    assign(docs["secret_unit"], org_tree.division_a1, by=leader)
    assign(docs["secret_named"], org_tree.division_a1, by=leader, assignee=p["specialist_dung"])
    assign(docs["open_b_to_a1"], org_tree.division_a1, by=leader)
    assign(docs["secret_province"], a, by=p["admin_giang"])
    out = {
        "out_open": make_outgoing(
            a, "Kế hoạch đi thường", created_by=p["specialist_dung"], issued=at(8)
        ),
        "out_secret_draft": make_outgoing(
            a,
            "Kế hoạch đi mật đang soạn",
            created_by=p["specialist_dung"],
            issued=at(9),
            secrecy=Secrecy.CONFIDENTIAL,
            status=OutgoingStatus.DRAFT,
        ),
        "out_secret_issued": make_outgoing(
            a,
            "Kế hoạch đi mật đã ban hành",
            created_by=p["specialist_dung"],
            issued=at(10),
            secrecy=Secrecy.CONFIDENTIAL,
        ),
        "out_secret_review": make_outgoing(
            a,
            "Kế hoạch đi mật chờ duyệt",
            created_by=p["leader_binh"],
            issued=at(11),
            secrecy=Secrecy.CONFIDENTIAL,
            status=OutgoingStatus.IN_REVIEW,
        ),
        "out_b": make_outgoing(
            b, "Kế hoạch đi của Sở B", created_by=p["admin_giang"], issued=at(12)
        ),
    }
    ReviewStep.objects.create(
        document=out["out_secret_review"],
        order=1,
        reviewer_role=ReviewerRole.DIVISION_LEADER,
        reviewer=p["deputy_cuong"],
    )
    return docs | out


PERSONAS = [
    "anonymous",
    "officer_an",
    "leader_binh",
    "deputy_cuong",
    "specialist_dung",
    "clerk_hoa",
    "admin_giang",
    "other_agency_official",
    "citizen_chi",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_search_restriction_equals_the_access_rule(documents, personas, persona):
    from django.contrib.auth.models import AnonymousUser

    user = personas[persona] or AnonymousUser()
    assert set(incoming_visible(user, IncomingDocument.objects.all())) == set(
        incoming_visible_to(user)
    )
    assert set(outgoing_visible(user, OutgoingDocument.objects.all())) == set(
        outgoing_visible_to(user)
    )


def _found(user, **params) -> set[str]:
    return {hit.document.subject for hit in search_documents(user, **params).hits}


EXPECTED = {
    "clerk_hoa": {
        "Kế hoạch mật văn thư vào sổ",
        "Kế hoạch Sở B giao Phòng A1 phối hợp",
        "Kế hoạch đi thường",
        "Kế hoạch đi mật đã ban hành",
    },
    "leader_binh": {
        "Kế hoạch mật không giao ai",
        "Kế hoạch mật văn thư vào sổ",
        "Kế hoạch mật giao Phòng A1",
        "Kế hoạch mật giao đích danh chuyên viên",
        "Kế hoạch Sở B giao Phòng A1 phối hợp",
        "Kế hoạch mật của Tỉnh giao Sở A",
        "Kế hoạch đi thường",
        "Kế hoạch đi mật đang soạn",
        "Kế hoạch đi mật đã ban hành",
        "Kế hoạch đi mật chờ duyệt",
    },
    "deputy_cuong": {
        "Kế hoạch mật giao Phòng A1",
        "Kế hoạch mật giao đích danh chuyên viên",
        "Kế hoạch Sở B giao Phòng A1 phối hợp",
        # Not the department's ordinary outgoing one: drafted by the department, not by A1.
        "Kế hoạch đi mật chờ duyệt",
    },
    "specialist_dung": {
        "Kế hoạch mật giao đích danh chuyên viên",
        "Kế hoạch Sở B giao Phòng A1 phối hợp",
        "Kế hoạch đi thường",
        "Kế hoạch đi mật đang soạn",
        "Kế hoạch đi mật đã ban hành",
    },
    "other_agency_official": set(),
    "officer_an": set(),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_persona_finds_exactly_what_it_may_see(documents, personas, persona):
    user = personas[persona]
    assert _found(user, query="ke hoach") == EXPECTED[persona]
    page = search_documents(user, query="ke hoach")
    assert page.count == len(EXPECTED[persona])


def test_a_secret_document_is_not_counted_for_someone_not_named(documents, personas):
    clerk = personas["clerk_hoa"]
    # Only the unnamed secret document matches "khong giao ai": nothing, and a zero count.
    page = search_documents(clerk, query="mat khong giao ai")
    assert page.hits == [] and page.count == 0 and not page.count_is_lower_bound
    # Its leader finds it.
    page = search_documents(personas["leader_binh"], query="mat khong giao ai")
    assert [hit.document.pk for hit in page.hits] == [documents["secret_a"].pk]
    # Filters do not reveal it either (status, type, book of the secret register).
    book = documents["secret_a"].book
    assert search_documents(clerk, book=book.pk).count == 1  # only the one she registered
    assert search_documents(clerk, status=IncomingStatus.ASSIGNED, kind="incoming").count == 1


def test_the_secret_document_becomes_visible_when_assigned_by_name(documents, personas):
    specialist = personas["specialist_dung"]
    assert _found(specialist, query="khong giao ai") == set()
    assign(
        documents["secret_a"],
        documents["secret_a"].organisation,
        by=personas["leader_binh"],
        assignee=specialist,
    )
    assert _found(specialist, query="khong giao ai") == {"Kế hoạch mật không giao ai"}


def test_the_search_page_does_not_leak_secret_subjects(documents, personas, login):
    client = login(personas["clerk_hoa"])
    client.cookies["chinhquyen_language"] = "en"
    response = client.get("/documents/search/", {"q": "ke hoach mat"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kế hoạch mật không giao ai" not in html
    assert "mật</mark> văn thư vào sổ" in html  # her own, highlighted
    assert "Kế hoạch mật của Tỉnh" not in html


def test_anonymous_is_sent_to_sign_in_and_citizens_are_refused(client, personas, login):
    response = client.get("/documents/search/", {"q": "ke hoach"})
    assert response.status_code == 302
    response = login(personas["citizen_chi"]).get("/documents/search/")
    assert response.status_code == 403


# --- Whole-tree scopes ----------------------------------------------------------------------


@pytest.fixture
def province_people(org_tree):
    """A leader and a clerk of the province committee: scopes over the whole tree."""
    from chinhquyen.accounts.choices import Role
    from chinhquyen.conftest import make_role_holder

    return {
        "leader": make_role_holder(
            "leader_tinh",
            full_name="Lãnh đạo Tỉnh",
            organisation=org_tree.province,
            role=Role.AGENCY_LEADER,
            position="Chủ tịch",
        ),
        "clerk": make_role_holder(
            "clerk_tinh",
            full_name="Văn thư Tỉnh",
            organisation=org_tree.province,
            role=Role.CLERK,
            position="Văn thư",
        ),
    }


@pytest.mark.parametrize("who", ["leader", "clerk"])
def test_whole_tree_scopes_equal_the_rule(documents, province_people, who):
    """A province leader's scope covers every agency: no condition at all (search and
    access), still exactly the rule; a province clerk (no leader grant) still does not see
    secret documents of others."""
    from chinhquyen.accounts.scopes import ALL
    from chinhquyen.documents.services.access import incoming_access_keys, outgoing_access_keys

    user = province_people[who]
    assert set(incoming_visible(user, IncomingDocument.objects.all())) == set(
        incoming_visible_to(user)
    )
    assert set(outgoing_visible(user, OutgoingDocument.objects.all())) == set(
        outgoing_visible_to(user)
    )
    if who == "leader":
        assert incoming_access_keys(user) is ALL and outgoing_access_keys(user) is ALL
        assert incoming_visible_to(user).count() == IncomingDocument.objects.count()
        assert "WHERE" not in str(incoming_visible_to(user).query)
        found = {hit.document.pk for hit in search_documents(user, query="ke hoach mat").hits}
        assert documents["secret_a"].pk in found
    else:
        assert incoming_access_keys(user) is not ALL
        assert documents["secret_a"] not in set(incoming_visible_to(user))
        assert _found(user, query="mat khong giao ai") == set()
