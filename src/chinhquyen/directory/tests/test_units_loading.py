"""Administrative units load from vietnam-provinces: counts, codes, types, idempotence."""

from django.core.management import call_command

from chinhquyen.directory.choices import UnitLevel
from chinhquyen.directory.models import AdministrativeUnit
from chinhquyen.directory.units import load_units


def _count(level: str, *, historic: bool) -> int:
    return AdministrativeUnit.objects.filter(level=level, is_historic=historic).count()


def test_all_current_units_load_once_with_their_official_codes_and_types(db):
    # Given an empty directory, when the current units are loaded twice
    first = load_units()
    second = load_units()

    # Then there are the 34 provinces and 3,321 communes of the package, and no duplicates
    assert first == {
        "created": 3355,
        "updated": 0,
        "unchanged": 0,
        "province": 34,
        "commune": 3321,
    }
    assert second["created"] == 0 and second["unchanged"] == 3355
    assert _count(UnitLevel.PROVINCE, historic=False) == 34
    assert _count(UnitLevel.COMMUNE, historic=False) == 3321
    assert _count(UnitLevel.DISTRICT, historic=False) == 0
    tuyen_quang = AdministrativeUnit.objects.get(level=UnitLevel.PROVINCE, code="08")
    assert (tuyen_quang.name, tuyen_quang.division_type) == ("Tỉnh Tuyên Quang", "tỉnh")
    ward = AdministrativeUnit.objects.get(level=UnitLevel.COMMUNE, code="02215")
    assert (ward.name, ward.division_type, ward.parent) == (
        "Phường Minh Xuân",
        "phường",
        tuyen_quang,
    )


def test_all_historic_units_load_with_three_levels(db):
    # When the historic units (before 1 July 2025) are loaded from the vendored 0.6.0 data
    counts = load_units(historic=True)

    # Then 63 provinces, 696 districts and 10,051 communes are there, marked historic
    assert (counts["province"], counts["district"], counts["commune"]) == (63, 696, 10051)
    assert _count(UnitLevel.PROVINCE, historic=True) == 63
    assert _count(UnitLevel.DISTRICT, historic=True) == 696
    assert _count(UnitLevel.COMMUNE, historic=True) == 10051
    assert not AdministrativeUnit.objects.filter(is_historic=False).exists()


def test_one_historic_province_keeps_district_types_and_parents(db):
    # When only Tuyên Quang's historic units are loaded
    counts = load_units(historic=True, province_code="8")

    # Then its 7 former districts hang under it, each with its real type
    assert (counts["province"], counts["district"]) == (1, 7)
    province = AdministrativeUnit.objects.get(level=UnitLevel.PROVINCE, is_historic=True)
    assert (province.code, province.name) == ("08", "Tỉnh Tuyên Quang")
    city = AdministrativeUnit.objects.get(level=UnitLevel.DISTRICT, code="070")
    assert (city.name, city.division_type, city.parent) == (
        "Thành phố Tuyên Quang",
        "thành phố",
        province,
    )
    assert AdministrativeUnit.objects.get(code="075", level="district").division_type == "huyện"
    communes = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, parent=city)
    assert {c.division_type for c in communes} == {"phường", "xã"}
    assert all(len(c.code) == 5 for c in communes)


def test_reloading_updates_changed_names_without_duplicates(db):
    # Given Tuyên Quang's current units, one renamed by hand
    load_units(province_code="08")
    total = AdministrativeUnit.objects.count()
    AdministrativeUnit.objects.filter(code="02215", level="commune").update(name="Sai tên")

    # When they are loaded again
    counts = load_units(province_code="08")

    # Then the name is the official one again and nothing was added
    assert counts["created"] == 0 and counts["updated"] == 1
    assert AdministrativeUnit.objects.count() == total
    assert AdministrativeUnit.objects.get(code="02215", level="commune").name == "Phường Minh Xuân"


def test_current_and_historic_units_with_the_same_code_coexist(db):
    load_units(province_code="08")
    load_units(historic=True, province_code="08")

    assert AdministrativeUnit.objects.filter(level="province", code="08").count() == 2


def test_command_loads_one_province_and_reports_counts(db, capsys):
    call_command("load_units", "--province", "08", verbosity=0)

    assert AdministrativeUnit.objects.filter(level="province").count() == 1
    assert AdministrativeUnit.objects.filter(level="commune").count() == 124


def test_a_load_is_one_audit_entry_with_the_counts(db):
    from chinhquyen.audit.models import AuditEntry

    call_command("load_units", "--province", "08", "--historic", verbosity=0)

    entry = AuditEntry.objects.get(action="directory.load_units")
    assert (entry.source, entry.actor) == ("command", None)
    assert entry.details["created"] == 1 + 7 + entry.details["commune"]
    assert entry.details["historic"] is True
    assert not AuditEntry.objects.filter(object_type__icontains="administrativeunit").exists()
