"""Officials: an account of kind official with a profile, created and changed by services."""

import pytest
from django.core.exceptions import ValidationError

from chinhquyen.accounts.models import User
from chinhquyen.directory.models import Official
from chinhquyen.directory.services import create_official, update_official


def test_creating_an_official_creates_the_account_and_profile(org_tree):
    official = create_official(
        username="nguyenvana",
        full_name="Nguyễn Văn A",
        organisation=org_tree.dept_a,
        position="Chuyên viên",
        email="a@example.org",
        password="Mat-khau-dai-2026",
    )

    user = official.user
    assert (user.kind, user.full_name, user.email) == ("official", "Nguyễn Văn A", "a@example.org")
    assert official.organisation == org_tree.dept_a
    assert user.check_password("Mat-khau-dai-2026")


def test_without_password_the_account_cannot_sign_in_yet(org_tree):
    official = create_official(username="b", full_name="Trần B", organisation=org_tree.dept_a)

    assert not official.user.has_usable_password()


def test_a_taken_username_is_refused_and_nothing_is_created(org_tree):
    create_official(username="nguyenvana", full_name="Nguyễn Văn A", organisation=org_tree.dept_a)

    with pytest.raises(ValidationError) as caught:
        create_official(username="NguyenVanA", full_name="Người khác", organisation=org_tree.dept_b)

    assert "NguyenVanA" in caught.value.message_dict["username"][0]
    assert User.objects.count() == 1 and Official.objects.count() == 1


def test_updating_an_official_mirrors_name_and_email_on_the_account(org_tree):
    official = create_official(username="c", full_name="Lê C", organisation=org_tree.dept_a)

    update_official(
        official, full_name="Lê Văn C", email="c@example.org", organisation=org_tree.dept_b
    )

    official.refresh_from_db()
    official.user.refresh_from_db()
    assert (official.full_name, official.organisation) == ("Lê Văn C", org_tree.dept_b)
    assert (official.user.full_name, official.user.email) == ("Lê Văn C", "c@example.org")


def test_an_invalid_email_is_refused(org_tree):
    official = create_official(username="d", full_name="Phạm D", organisation=org_tree.dept_a)

    with pytest.raises(ValidationError) as caught:
        update_official(official, email="not-an-email")

    assert list(caught.value.message_dict) == ["email"]
    official.refresh_from_db()
    assert official.email == ""
