"""The generic permission matrix (core.testing) over real back-office endpoints.

Later apps copy this pattern for each of their list/detail/action endpoints.
"""

import pytest
from django.urls import reverse

from chinhquyen.accounts.models import Delegation
from chinhquyen.core.testing import (
    LOGIN,
    assert_permission_matrix,
    check_permission_matrix,
    permission_params,
    request_as,
)

ORGANISATION_DETAIL = {
    "anonymous": LOGIN,
    "officer_an": 200,  # right agency
    "leader_binh": 200,
    "clerk_hoa": 200,
    "specialist_dung": 404,  # a division role does not see the department above it
    "other_agency_official": 404,  # wrong agency: the object is not even admitted to exist
    "admin_giang": 200,  # system administrator sees all
    "citizen_chi": 403,
    "other_citizen": 403,
}


def test_organisation_list_matrix(client, personas):
    assert_permission_matrix(
        client,
        reverse("directory:organisations"),
        {
            "anonymous": LOGIN,
            "officer_an": 200,
            "other_agency_official": 200,  # the list is restricted, not refused
            "admin_giang": 200,
            "citizen_chi": 403,
        },
        personas=personas,
    )


def test_organisation_detail_matrix(client, personas, org_tree):
    url = reverse("directory:organisation", args=[org_tree.dept_a.pk])
    assert_permission_matrix(client, url, ORGANISATION_DETAIL, personas=personas)


def test_official_detail_matrix_with_a_per_persona_url(client, personas, officer_an):
    def own_profile_or_an(name, user):
        return reverse("directory:official", args=[officer_an.official.pk])

    assert_permission_matrix(
        client,
        own_profile_or_an,
        {
            "anonymous": LOGIN,
            "officer_an": 200,
            "leader_binh": 200,
            "other_agency_official": 404,
            "admin_giang": 200,
            "citizen_chi": 403,
        },
        personas=personas,
    )


@pytest.mark.parametrize(("persona", "expected"), permission_params(ORGANISATION_DETAIL))
def test_organisation_detail_parametrised(client, personas, org_tree, persona, expected):
    response = request_as(
        client, personas[persona], reverse("directory:organisation", args=[org_tree.dept_a.pk])
    )
    if expected == LOGIN:
        assert response.status_code == 302
    else:
        assert response.status_code == expected


def test_post_matrix_isolates_personas_and_checks_nothing_changed(
    client, personas, leader_binh, deputy_cuong, org_tree
):
    # Given a running delegation from leader Bình to deputy Cường
    from django.utils import timezone

    from chinhquyen.accounts.services import delegate_role

    today = timezone.localdate()
    delegation = delegate_role(
        delegator=leader_binh.official,
        delegate=deputy_cuong.official,
        role="agency_leader",
        organisation=org_tree.dept_a,
        starts_on=today,
        ends_on=today,
        reason="Công tác",
        acting_user=leader_binh,
    )
    url = reverse("accounts:delegation_revoke", args=[delegation.pk])

    def revoked():
        return Delegation.objects.filter(revoked_at__isnull=False).count()

    # Then only the delegator and a system administrator may revoke it
    assert_permission_matrix(
        client,
        url,
        {
            "anonymous": LOGIN,
            "leader_binh": 302,
            "admin_giang": 302,
            "deputy_cuong": 403,  # the deputy sees it but may not revoke it
            "officer_an": 404,
            "other_agency_official": 404,
            "citizen_chi": 403,
        },
        personas=personas,
        method="post",
        unchanged=revoked,
    )
    # And every attempt was rolled back
    assert revoked() == 0


def test_check_permission_matrix_reports_mismatches(client, personas, org_tree):
    outcomes = check_permission_matrix(
        client,
        reverse("directory:organisation", args=[org_tree.dept_a.pk]),
        {"other_agency_official": 200},
        personas=personas,
    )
    assert [(o.persona, o.status, o.ok) for o in outcomes] == [
        ("other_agency_official", 404, False)
    ]
    assert str(outcomes[0]) == "other_agency_official: expected 200, got 404"
