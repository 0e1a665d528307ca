"""Loading administrative units (đơn vị hành chính) into the directory.

* Current two-level units (since 1 July 2025) come from the installed ``vietnam-provinces``
  package (2025.10.1): 34 provinces and 3,321 communes, wards and special zones.
* Historic three-level units (before 1 July 2025) come from that package's release 0.6.0,
  whose ``nested-divisions.json`` is vendored gzipped in ``directory/data/`` (see SOURCE.md):
  63 provinces, 696 districts, 10,051 communes. They are stored with ``is_historic=True``.

Codes are the General Statistics Office codes, zero-padded as the office writes them
(province 2 digits, district 3, commune 5: Tuyên Quang is ``08``). Loading is idempotent:
rows are matched on (level, code, is_historic); new ones are bulk-created, changed ones
bulk-updated, in chunks, inside one transaction with one audit record.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import transaction

from chinhquyen.audit.services import log_action
from chinhquyen.directory.choices import UnitLevel
from chinhquyen.directory.models import AdministrativeUnit

HISTORIC_DATA_FILE = (
    Path(__file__).parent / "data" / "vietnam-provinces-0.6.0-nested-divisions.json.gz"
)
HISTORIC_SOURCE = "vietnam-provinces 0.6.0 (data 2025-01-04)"
BATCH_SIZE = 1000
CODE_WIDTH = {UnitLevel.PROVINCE: 2, UnitLevel.DISTRICT: 3, UnitLevel.COMMUNE: 5}
UPDATABLE_FIELDS = ["name", "division_type", "codename", "parent", "source"]

# Release 0.6.0 gives one generic type per level (tỉnh / huyện / xã); the real type is the
# prefix of the official name ("Quận Ba Đình", "Thị trấn Na Hang"), longest prefix first.
_HISTORIC_TYPE_PREFIXES = [
    ("Thành phố ", {UnitLevel.PROVINCE: "thành phố trung ương", UnitLevel.DISTRICT: "thành phố"}),
    ("Thị trấn ", {UnitLevel.COMMUNE: "thị trấn"}),
    ("Thị xã ", {UnitLevel.DISTRICT: "thị xã"}),
    ("Phường ", {UnitLevel.COMMUNE: "phường"}),
    ("Huyện ", {UnitLevel.DISTRICT: "huyện"}),
    ("Quận ", {UnitLevel.DISTRICT: "quận"}),
    ("Tỉnh ", {UnitLevel.PROVINCE: "tỉnh"}),
    ("Xã ", {UnitLevel.COMMUNE: "xã"}),
]


@dataclass(frozen=True)
class UnitRecord:
    level: str
    code: str
    name: str
    division_type: str
    codename: str
    parent_code: str | None  # the parent's code, one level up


def format_code(level: str, code: int | str) -> str:
    return str(int(code)).zfill(CODE_WIDTH[UnitLevel(level)])


def historic_division_type(level: str, name: str, default: str) -> str:
    for prefix, types in _HISTORIC_TYPE_PREFIXES:
        if name.startswith(prefix) and level in types:
            return types[level]
    return default


def current_package_version() -> str:
    import vietnam_provinces

    version, data = vietnam_provinces.__version__, vietnam_provinces.__data_version__
    return f"vietnam-provinces {version} (data {data})"


def iter_current_units(province_code: str | None = None) -> Iterator[UnitRecord]:
    """Provinces then communes of the current two-level units, from the installed package."""
    from vietnam_provinces import Province, Ward

    provinces = list(Province.iter_all())
    if province_code is not None:
        provinces = [p for p in provinces if int(p.code) == int(province_code)]
    wanted = {int(p.code) for p in provinces}
    for province in provinces:
        name = province.name
        if province.division_type.value == "tỉnh" and not name.startswith("Tỉnh "):
            name = f"Tỉnh {name}"  # the package writes "Tuyên Quang" but "Thành phố Hà Nội"
        yield UnitRecord(
            UnitLevel.PROVINCE,
            format_code(UnitLevel.PROVINCE, province.code),
            name,
            province.division_type.value,
            province.codename,
            None,
        )
    for ward in Ward.iter_all():
        if int(ward.province_code) not in wanted:
            continue
        yield UnitRecord(
            UnitLevel.COMMUNE,
            format_code(UnitLevel.COMMUNE, ward.code),
            ward.name,
            ward.division_type.value,
            ward.codename,
            format_code(UnitLevel.PROVINCE, ward.province_code),
        )


@cache
def _historic_data() -> list[dict]:
    with gzip.open(HISTORIC_DATA_FILE, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def iter_historic_units(province_code: str | None = None) -> Iterator[UnitRecord]:
    """Provinces, districts and communes before 1 July 2025, from the vendored 0.6.0 data."""
    provinces = _historic_data()
    if province_code is not None:
        provinces = [p for p in provinces if int(p["code"]) == int(province_code)]
    levels: list[list[UnitRecord]] = [[], [], []]
    for province in provinces:
        p_code = format_code(UnitLevel.PROVINCE, province["code"])
        levels[0].append(_historic_record(UnitLevel.PROVINCE, province, None))
        for district in province["districts"]:
            d_code = format_code(UnitLevel.DISTRICT, district["code"])
            levels[1].append(_historic_record(UnitLevel.DISTRICT, district, p_code))
            for ward in district["wards"]:
                levels[2].append(_historic_record(UnitLevel.COMMUNE, ward, d_code))
    for records in levels:
        yield from records


def _historic_record(level: str, item: dict, parent_code: str | None) -> UnitRecord:
    return UnitRecord(
        level,
        format_code(level, item["code"]),
        item["name"],
        historic_division_type(level, item["name"], item["division_type"]),
        item.get("codename", ""),
        parent_code,
    )


def load_units(
    *, historic: bool = False, province_code: str | None = None, progress: bool = False
) -> dict[str, int]:
    """Create or update the current (or historic) units; return counts per level and action.

    Idempotent: a second run creates nothing and updates only rows whose data changed.
    Raises LookupError (before writing anything) when ``province_code`` matches no province.
    """
    records = list(
        iter_historic_units(province_code) if historic else iter_current_units(province_code)
    )
    if not records:
        raise LookupError(f"No province with code {province_code}")
    source = HISTORIC_SOURCE if historic else current_package_version()
    counts: dict[str, int] = {"created": 0, "updated": 0, "unchanged": 0}
    parent_level = {
        UnitLevel.PROVINCE: None,
        UnitLevel.DISTRICT: UnitLevel.PROVINCE,
        UnitLevel.COMMUNE: UnitLevel.DISTRICT if historic else UnitLevel.PROVINCE,
    }
    with transaction.atomic(), _progress_bar(len(records), progress) as bar:
        for level in (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE):
            batch = [r for r in records if r.level == level]
            if not batch:
                continue
            parents = _ids_by_code(parent_level[level], historic) if parent_level[level] else {}
            created, updated, unchanged = _upsert_level(
                level, batch, parents, historic, source, bar
            )
            counts["created"] += created
            counts["updated"] += updated
            counts["unchanged"] += unchanged
            counts[str(level)] = len(batch)
        log_action(
            "directory.load_units",
            details={
                "historic": historic,
                "province": province_code,
                "source": source,
                **counts,
            },
        )
    return counts


def _ids_by_code(level: str, historic: bool) -> dict[str, int]:
    return dict(
        AdministrativeUnit.objects.filter(level=level, is_historic=historic).values_list(
            "code", "id"
        )
    )


def _upsert_level(
    level: str,
    records: list[UnitRecord],
    parent_ids: dict[str, int],
    historic: bool,
    source: str,
    bar,
) -> tuple[int, int, int]:
    existing = {
        unit.code: unit
        for unit in AdministrativeUnit.objects.filter(level=level, is_historic=historic)
    }
    to_create: list[AdministrativeUnit] = []
    to_update: list[AdministrativeUnit] = []
    unchanged = 0
    for record in records:
        parent_id = parent_ids.get(record.parent_code) if record.parent_code else None
        values = {
            "name": record.name,
            "division_type": record.division_type,
            "codename": record.codename,
            "parent_id": parent_id,
            "source": source,
        }
        unit = existing.get(record.code)
        if unit is None:
            to_create.append(
                AdministrativeUnit(level=level, code=record.code, is_historic=historic, **values)
            )
            continue
        if all(getattr(unit, field) == value for field, value in values.items()):
            unchanged += 1
            continue
        for field, value in values.items():
            setattr(unit, field, value)
        to_update.append(unit)
    bar.update(unchanged)
    for chunk in _chunks(to_create):
        AdministrativeUnit.objects.bulk_create(chunk)
        bar.update(len(chunk))
    for chunk in _chunks(to_update):
        AdministrativeUnit.objects.bulk_update(chunk, UPDATABLE_FIELDS)
        bar.update(len(chunk))
    return len(to_create), len(to_update), unchanged


def _chunks(items: list, size: int = BATCH_SIZE) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _NullBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n: int) -> None:
        pass


def _progress_bar(total: int, enabled: bool):
    if not enabled:
        return _NullBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="unit", desc="Administrative units")
