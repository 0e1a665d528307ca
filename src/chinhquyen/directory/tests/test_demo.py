"""The demo province loads once, links real units, shows history and gives one account per role."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from chinhquyen.accounts.models import RoleAssignment, User
from chinhquyen.directory.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from chinhquyen.directory.models import AdministrativeUnit, Official, Organisation


def _state():
    return (
        AdministrativeUnit.objects.count(),
        Organisation.objects.count(),
        User.objects.exclude(kind="citizen").count(),  # demo citizens: appointments/demo.py
        Official.objects.count(),
        RoleAssignment.objects.count(),
    )


def test_loading_the_demo_twice_creates_no_duplicates(db, capsys):
    call_command("load_demo", verbosity=0, dossiers=0)  # the dossiers: dossiers/tests
    first = _state()
    call_command("load_demo", verbosity=0, dossiers=0)

    assert _state() == first
    assert first[0] == 34 + 3321 + 63 + 696 + 10051
    assert first[2:] == (7, 7, 7)
    province = Organisation.objects.get(qcvn_code="000.00.00.H99")
    assert province.name == "Ủy ban nhân dân tỉnh Tuyên Quang"
    assert province.administrative_unit.code == "08"
    departments = Organisation.objects.get_children(province).filter(kind="department")
    assert {d.name for d in departments} >= {"Sở Nội vụ", "Sở Tư pháp", "Sở Y tế", "Sở Xây dựng"}
    district = Organisation.objects.get(name="Ủy ban nhân dân huyện Yên Sơn")
    assert district.valid_until == datetime.date(2025, 6, 30)
    assert district.successor.name == "Ủy ban nhân dân xã Yên Sơn"
    assert district.administrative_unit.is_historic
    assert Organisation.objects.get(name="Ủy ban nhân dân xã Yên Sơn").administrative_unit.name == (
        "Xã Yên Sơn"
    )
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.check_password(DEMO_PASSWORD)
        assert RoleAssignment.objects.get(official__user=user).role == account.role

    call_command("demo_accounts")
    printed = capsys.readouterr().out
    assert "quantri_it" in printed and DEMO_PASSWORD in printed


def test_the_demo_is_refused_in_production(db, settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError):
        call_command("load_demo", verbosity=0)
    assert _state() == (0, 0, 0, 0, 0)
