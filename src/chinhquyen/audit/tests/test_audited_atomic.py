"""audited_atomic(): the entries of a block are chained at its end, in order; rolled-back work
leaves none; skip_capture() lets a service record a change itself (one entry, not two)."""

import threading

import pytest
from django.db import connection, connections, transaction

from chinhquyen.audit.capture import skip_capture, snapshot
from chinhquyen.audit.models import AuditEntry
from chinhquyen.audit.services import audited_atomic, log_action, verify_chain
from chinhquyen.directory.models import AdministrativeUnit

from .conftest import entries_since, last_id

pytestmark = pytest.mark.django_db


class Abort(Exception):
    pass


def make_unit(code: str = "08", name: str = "Tuyên Quang") -> AdministrativeUnit:
    return AdministrativeUnit.objects.create(
        code=code, name=name, division_type="tỉnh", level="province"
    )


def test_entries_of_the_block_are_written_at_its_end_in_the_order_recorded():
    # given the head of the chain
    head = log_action("test.before")
    marker = last_id()

    # when a service creates a unit and logs two actions inside audited_atomic
    with audited_atomic():
        make_unit()
        first = log_action("test.first", details={"n": 1})
        second = log_action("test.second", details={"n": 2})
        # then, until the block ends, nothing is in the table and the entries are not chained
        assert last_id() == marker
        assert first.pk is None
        assert second.hash == ""

    # then the three entries follow the head, in the order they were recorded, chained
    written = entries_since(marker)
    assert [e.action for e in written] == ["create", "test.first", "test.second"]
    assert written[0].object_type == "directory.administrativeunit"
    assert written[0].prev_hash == head.hash
    assert written[1].prev_hash == written[0].hash
    assert written[2].prev_hash == written[1].hash
    assert [first.pk, second.pk] == [written[1].pk, written[2].pk]
    assert verify_chain().ok is True


def test_a_rolled_back_block_leaves_no_entry_and_the_chain_continues():
    # given an entry before the failed work
    before = log_action("test.before")
    count = AuditEntry.objects.count()

    # when the service records entries, then fails
    with pytest.raises(Abort), audited_atomic():
        make_unit()
        log_action("test.lost")
        raise Abort

    # then nothing of it is in the trail, and the next entry chains on the last kept one
    assert AuditEntry.objects.count() == count
    assert AdministrativeUnit.objects.filter(code="08").exists() is False
    after = log_action("test.after")
    assert after.prev_hash == before.hash
    assert verify_chain().ok is True


def test_a_savepoint_rolled_back_inside_the_block_drops_only_its_entries():
    marker = last_id()

    # when a savepoint inside the block fails after recording an entry
    with audited_atomic():
        log_action("test.kept.1")
        with pytest.raises(Abort), transaction.atomic():
            log_action("test.dropped")
            make_unit()
            raise Abort
        log_action("test.kept.2")

    # then only the entries of the work that stayed are written
    assert [e.action for e in entries_since(marker)] == ["test.kept.1", "test.kept.2"]
    assert verify_chain().ok is True


def test_a_nested_block_joins_the_outer_one():
    marker = last_id()

    with audited_atomic():
        log_action("test.outer")
        with audited_atomic():
            log_action("test.inner")
            # then the inner block's end writes nothing yet
            assert last_id() == marker
        log_action("test.outer.after")

    assert [e.action for e in entries_since(marker)] == [
        "test.outer",
        "test.inner",
        "test.outer.after",
    ]


def test_skip_capture_leaves_the_change_to_the_services_own_entry():
    marker = last_id()

    # when a service creates a unit with the capture skipped and logs it with its snapshot
    with audited_atomic():
        with skip_capture(AdministrativeUnit):
            unit = make_unit()
        log_action("directory.create_unit", target=unit, after=snapshot(unit))
        # and another unit outside the skip is captured as usual
        other = make_unit(code="10", name="Lào Cai")

    # then the first unit has one entry (the service's, with the snapshot), the second the
    # generic one
    written = entries_since(marker)
    assert [(e.action, e.object_id) for e in written] == [
        ("directory.create_unit", str(unit.pk)),
        ("create", str(other.pk)),
    ]
    assert written[0].after["name"] == "Tuyên Quang"
    assert written[0].after["code"] == "08"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_concurrent_audited_blocks_append_one_unforked_chain():
    writers, per_writer = 6, 8
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait()
            for step in range(per_writer):
                with audited_atomic():
                    log_action("test.audited", details={"writer": number, "step": step})
                    log_action("test.audited.second", details={"writer": number})
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert AuditEntry.objects.filter(action__startswith="test.audited").count() == 96
    prev_hashes = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(prev_hashes) == len(set(prev_hashes))
    # each writer's two entries of one block are adjacent (written in one insert)
    for first, second in zip(
        AuditEntry.objects.filter(action="test.audited").order_by("id"),
        AuditEntry.objects.filter(action="test.audited.second").order_by("id"),
        strict=True,
    ):
        assert second.prev_hash == first.hash
    assert verify_chain(batch_size=7).ok is True
