"""The public agency directory: contacts and opening hours, searchable without accents."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from chinhquyen.audit.models import AuditEntry
from chinhquyen.portal.models import AgencyContact
from chinhquyen.portal.services import set_agency_contact

pytestmark = pytest.mark.django_db


def names(html: str) -> list[str]:
    return re.findall(r'<li class="agency-card">\s*<h3>([^<]+)</h3>', html)


def test_the_directory_lists_public_agencies_with_their_contacts(client, org_tree):
    set_agency_contact(
        organisation=org_tree.dept_b,
        opening_hours="Sáng 7:30–11:30, chiều 13:30–17:00",
        opening_hours_en="7:30–11:30 and 13:30–17:00",
        acting_user=None,
    )

    html = client.get(reverse("portal:agencies")).content.decode()

    # Divisions are internal: they are not listed.
    assert names(html) == ["Ủy ban nhân dân tỉnh Thử Nghiệm", "Sở A", "Sở B"]
    assert "Sáng 7:30–11:30, chiều 13:30–17:00" in html
    assert f'href="/thu-tuc/?agency={org_tree.dept_b.pk}"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("uy ban", ["Ủy ban nhân dân tỉnh Thử Nghiệm"]),
        ("TINH THU NGHIEM", ["Ủy ban nhân dân tỉnh Thử Nghiệm"]),
        ("nghiem tinh", ["Ủy ban nhân dân tỉnh Thử Nghiệm"]),
        ("sở b", ["Sở B"]),
        ("so", ["Sở A", "Sở B"]),
        ("phong", []),
    ],
)
def test_search_ignores_accents_case_and_word_order(client, org_tree, query, expected):
    html = client.get(reverse("portal:agencies"), {"q": query}).content.decode()

    assert names(html) == expected


def test_a_word_after_a_bracket_or_a_dash_is_found_like_any_other(client, org_tree):
    from chinhquyen.directory.services import update_organisation

    update_organisation(org_tree.dept_b, name="Sở B (Khoa học-Công nghệ)", acting_user=None)

    for query in ("khoa hoc", "cong nghe", "so b khoa"):
        html = client.get(reverse("portal:agencies"), {"q": query}).content.decode()
        assert names(html) == ["Sở B (Khoa học-Công nghệ)"], query


def test_english_opening_hours_fall_back_to_vietnamese(client, org_tree):
    set_agency_contact(
        organisation=org_tree.dept_a, opening_hours="Thứ Hai – Thứ Sáu", acting_user=None
    )
    client.cookies["chinhquyen_language"] = "en"

    html = client.get(reverse("portal:agencies"), {"q": "so a"}).content.decode()

    assert '<span lang="vi">Thứ Hai – Thứ Sáu</span>' in html


def test_the_directory_costs_a_bounded_number_of_queries(
    client, org_tree, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        assert client.get(reverse("portal:agencies")).status_code == 200


def test_setting_opening_hours_is_audited_and_too_long_hours_change_nothing(org_tree):
    set_agency_contact(organisation=org_tree.dept_a, opening_hours="7:30–17:00", acting_user=None)

    with pytest.raises(ValidationError) as refused:
        set_agency_contact(organisation=org_tree.dept_a, opening_hours="x" * 301, acting_user=None)

    assert refused.value.message_dict["opening_hours"] == [
        "Tối đa 300 ký tự (at most 300 characters)."
    ]
    assert AgencyContact.objects.get(organisation=org_tree.dept_a).opening_hours == "7:30–17:00"
    assert AuditEntry.objects.filter(action="portal.set_agency_contact").count() == 1


def test_the_command_sets_opening_hours_by_agency_code(coded_orgs):
    call_command("set_opening_hours", "000.00.12.H37", "Thứ Hai – Thứ Sáu", english="Mon–Fri")

    contact = AgencyContact.objects.get(organisation=coded_orgs.dept_a)
    assert (contact.opening_hours, contact.opening_hours_en) == ("Thứ Hai – Thứ Sáu", "Mon–Fri")


def test_demo_hours_fill_only_agencies_without_hours(org_tree):
    from chinhquyen.portal.demo import DEMO_HOURS, load_demo_contacts

    set_agency_contact(organisation=org_tree.dept_a, opening_hours="7:00–17:00", acting_user=None)

    assert load_demo_contacts() == 2
    assert load_demo_contacts() == 0
    hours = dict(AgencyContact.objects.values_list("organisation__name", "opening_hours"))
    assert hours == {
        "Ủy ban nhân dân tỉnh Thử Nghiệm": DEMO_HOURS,
        "Sở A": "7:00–17:00",
        "Sở B": DEMO_HOURS,
    }
