"""The delegations page: a leader delegates to a deputy in their organisation and revokes."""

from datetime import timedelta

from django.utils import timezone

from chinhquyen.accounts.models import Delegation

URL = "/accounts/delegations/"


def _form(deputy, leader_assignment, start, end, reason="Đi công tác nước ngoài"):
    return {
        "assignment": leader_assignment.pk,
        "delegate": deputy.official.pk,
        "starts_on": start.isoformat(),
        "ends_on": end.isoformat(),
        "reason": reason,
    }


def test_leader_sees_the_form_with_deputies_of_her_organisation(
    client, login, leader_binh, deputy_cuong, other_agency_official
):
    login(leader_binh)
    response = client.get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["delegate"].queryset) == [deputy_cuong.official]
    assert [a.role for a in form.fields["assignment"].queryset] == ["agency_leader"]


def test_leader_delegates_and_revokes(client, login, leader_binh, deputy_cuong):
    # Given leader Bình on the delegations page
    login(leader_binh)
    assignment = leader_binh.official.role_assignments.get()
    today = timezone.localdate()
    # When she delegates her role to deputy Cường for a week
    response = client.post(URL, _form(deputy_cuong, assignment, today, today + timedelta(7)))
    # Then the delegation is recorded and listed
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    assert (delegation.delegator, delegation.delegate) == (
        leader_binh.official,
        deputy_cuong.official,
    )
    assert delegation.created_by == leader_binh
    assert delegation in client.get(URL).context["given"]
    # When she revokes it
    response = client.post(f"/accounts/delegations/{delegation.pk}/revoke/")
    assert response.status_code == 302
    delegation.refresh_from_db()
    assert delegation.revoked_by == leader_binh


def test_invalid_delegation_shows_errors_and_saves_nothing(
    client, login, leader_binh, deputy_cuong
):
    login(leader_binh)
    assignment = leader_binh.official.role_assignments.get()
    today = timezone.localdate()
    response = client.post(URL, _form(deputy_cuong, assignment, today + timedelta(3), today))
    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"]
    assert Delegation.objects.count() == 0


def test_official_without_a_leader_role_cannot_delegate(client, login, officer_an, leader_binh):
    login(officer_an)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["can_delegate"] is False
    response = client.post(URL, {"reason": "x"})
    assert response.status_code == 400
    assert Delegation.objects.count() == 0


def test_citizen_gets_403(client, login, citizen_chi):
    login(citizen_chi)
    assert client.get(URL).status_code == 403
