"""Who reads which entries: system administrators all, an agency's IT administrator their own."""

import pytest
from django.urls import reverse

from chinhquyen.accounts.choices import Role
from chinhquyen.accounts.models import User
from chinhquyen.accounts.services import assign_role
from chinhquyen.audit.services import log_action
from chinhquyen.directory.models import Official

pytestmark = pytest.mark.django_db


@pytest.fixture
def justice(make_organisation):
    return make_organisation("Sở Tư pháp")


@pytest.fixture
def health(make_organisation):
    return make_organisation("Sở Y tế")


def official(username: str, full_name: str, organisation, role: str | None = None) -> User:
    user = User.objects.create_user(username=username, password="Mat-khau-2025-dai")
    person = Official.objects.create(user=user, full_name=full_name, organisation=organisation)
    if role:
        assign_role(official=person, role=role, organisation=organisation)
    return user


def test_a_system_administrator_reads_the_whole_trail(client, justice):
    admin_giang = official("giang.pham", "Phạm Giang", justice, Role.SYSTEM_ADMIN)
    entry = log_action("test.system_work")
    client.force_login(admin_giang)

    response = client.get(reverse("audit:list"), {"action": "test."})

    assert response.status_code == 200
    assert [e.id for e in response.context["entries"]] == [entry.id]
    assert client.get(reverse("audit:detail", args=[entry.pk])).status_code == 200


def test_an_it_administrator_reads_only_what_their_agencys_officials_did(client, justice, health):
    # given an IT administrator of Justice, a clerk of Justice and a clerk of Health
    it_minh = official("minh.do", "Đỗ Minh", justice, Role.IT_ADMIN)
    clerk_lan = official("lan.vu", "Vũ Lan", justice)
    clerk_tuan = official("tuan.ho", "Hồ Tuấn", health)
    own = log_action("test.justice", actor=clerk_lan)
    other = log_action("test.health", actor=clerk_tuan)
    system = log_action("test.system")
    client.force_login(it_minh)

    # when he opens the audit log
    response = client.get(reverse("audit:list"), {"action": "test."})

    # then he sees his agency's official's entry only, and cannot open the others
    assert response.status_code == 200
    assert [e.id for e in response.context["entries"]] == [own.id]
    assert client.get(reverse("audit:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("audit:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("audit:detail", args=[system.pk])).status_code == 404


def test_a_clerk_is_refused(client, justice):
    clerk_lan = official("lan.vu", "Vũ Lan", justice, Role.CLERK)
    client.force_login(clerk_lan)
    assert client.get(reverse("audit:list")).status_code == 403
