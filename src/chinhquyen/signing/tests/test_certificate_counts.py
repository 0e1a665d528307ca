"""Counts per agency for the IT report: valid certificates on a date, by kind, with totals."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from chinhquyen.signing.models import Certificate
from chinhquyen.signing.registry import certificate_counts, count_totals, register_certificate
from chinhquyen.signing.tests.conftest import certificate_pem


@pytest.fixture
def registry(org_tree, leader_binh, officer_an, other_agency_official):
    """Department A: 2 organisational, 1 personal, 2 SIM (one expired); department B: 1 org."""

    def add(kind, days_left, *, organisation=None, official=None):
        return register_certificate(
            data=certificate_pem(common_name="x", days_left=days_left),
            kind=kind,
            organisation=organisation,
            official=official,
        )

    add("organisational", 300, organisation=org_tree.dept_a)
    add("organisational", 20, organisation=org_tree.dept_a)
    add("personal", 300, official=leader_binh.official)
    add("sim", 300, official=officer_an.official)
    add("sim", -3, official=officer_an.official)
    add("organisational", 300, organisation=other_agency_official.official.organisation)
    return org_tree


def test_counts_per_organisation_and_kind_with_totals(registry, django_assert_num_queries):
    today = timezone.localdate()
    with django_assert_num_queries(2):
        rows = certificate_counts(at=today)
    assert [(r.organisation_name, r.organisational, r.personal, r.sim, r.total) for r in rows] == [
        ("Sở A", 2, 1, 1, 4),
        ("Sở B", 1, 0, 0, 1),
    ]
    totals = count_totals(rows)
    assert (totals.organisational, totals.personal, totals.sim, totals.total) == (3, 1, 1, 5)


def test_counts_at_another_date_and_under_a_root(registry):
    a_week_ago = timezone.localdate() - datetime.timedelta(days=7)
    rows = certificate_counts(at=a_week_ago, root=registry.dept_a)
    # a week ago the expired SIM certificate was still valid
    assert [(r.organisation_name, r.organisational, r.personal, r.sim) for r in rows] == [
        ("Sở A", 2, 1, 2),
    ]
    in_a_month = timezone.localdate() + datetime.timedelta(days=30)
    assert count_totals(certificate_counts(at=in_a_month)).total == 4


def test_a_revoked_certificate_counts_only_before_its_revocation(registry):
    entry = Certificate.objects.filter(kind="personal").get()
    Certificate.objects.filter(pk=entry.pk).update(
        status="revoked", revoked_at=timezone.now() - datetime.timedelta(days=2)
    )
    today = timezone.localdate()
    assert count_totals(certificate_counts(at=today)).personal == 0
    last_week = today - datetime.timedelta(days=7)
    assert count_totals(certificate_counts(at=last_week)).personal == 1


def test_counts_page_and_csv_are_scoped_to_the_it_admin(registry, it_admin_tuan, login):
    client = login(it_admin_tuan)
    page = client.get(reverse("signing:counts"))
    assert page.status_code == 200
    assert [r.organisation_name for r in page.context["rows"]] == ["Sở A"]
    assert page.context["totals"].total == 4

    csv = client.get(reverse("signing:counts"), {"format": "csv"})
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[1:] == ["Sở A,2,1,1,4", "Tổng,2,1,1,4"]


def test_a_bad_date_is_a_400_with_a_message(it_admin_tuan, login):
    response = login(it_admin_tuan).get(reverse("signing:counts"), {"at": "31/02/2026"})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.context["form"].errors["at"][0]


def test_a_province_sized_registry_is_counted_in_two_queries(
    org_tree, leader_binh, django_assert_num_queries
):
    # given the province of the brief: 425 organisational, 972 personal, 205 SIM certificates
    now = timezone.now()
    common = {
        "certificate": b"-",
        "serial_number": "1",
        "issuer": "CA",
        "subject": "x",
        "common_name": "x",
        "valid_from": now - datetime.timedelta(days=100),
        "valid_until": now + datetime.timedelta(days=300),
        "status_checked_at": now,
        "registered_at": now,
    }
    plan = [("organisational", None, org_tree.dept_a, 425)]
    plan += [("personal", leader_binh.official, org_tree.dept_a, 972)]
    plan += [("sim", leader_binh.official, org_tree.dept_a, 205)]
    rows, number = [], 0
    for kind, official, organisation, count in plan:
        for _ in range(count):
            number += 1
            rows.append(
                Certificate(
                    kind=kind,
                    official=official,
                    organisation=organisation if number % 2 else org_tree.division_a1,
                    fingerprint_sha256=f"{number:064x}",
                    **common,
                )
            )
    Certificate.objects.bulk_create(rows)

    with django_assert_num_queries(2):
        totals = count_totals(certificate_counts(at=timezone.localdate()))

    assert (totals.total, totals.organisational, totals.personal, totals.sim) == (
        1602, 425, 972, 205,
    )  # fmt: skip
