"""The hash chain detects rows edited, removed or reordered directly in the database."""

import pytest
from django.core.management import CommandError, call_command

from chinhquyen.audit.chain import GENESIS_HASH
from chinhquyen.audit.models import AuditEntry
from chinhquyen.audit.services import CONTENT_CHANGED, LINK_BROKEN, log_action, verify_chain

from .conftest import last_id, tamper

pytestmark = pytest.mark.django_db


def write_entries(count: int) -> list[AuditEntry]:
    return [log_action("test.step", details={"step": number}) for number in range(count)]


def test_each_entry_stores_the_hash_of_the_one_before():
    # given five entries written one after another
    marker = last_id()
    entries = write_entries(5)

    # then they link up, and the whole chain verifies
    assert [entry.id for entry in entries] == sorted(entry.id for entry in entries)
    assert entries[0].id > marker
    for previous, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == previous.hash
    assert len(entries[-1].hash) == 64
    result = verify_chain(batch_size=2)
    assert result.ok is True
    assert result.checked == AuditEntry.objects.count()
    assert result.head_id == entries[-1].id
    assert result.head_hash == entries[-1].hash


def test_the_first_entry_follows_the_genesis_hash():
    first = AuditEntry.objects.order_by("id").first() or log_action("test.first")
    assert first.prev_hash == GENESIS_HASH


def test_verify_command_reports_an_intact_chain(capsys):
    write_entries(3)
    total = AuditEntry.objects.count()

    call_command("audit", "verify")

    out = capsys.readouterr().out
    assert f"OK: {total} entries, chain intact" in out


def test_a_row_edited_in_the_database_is_detected_by_verify_chain_and_the_command():
    # given a chain of five entries
    entries = write_entries(5)
    edited = entries[2]

    # when a DBA edits the third one directly in SQL
    tamper(
        "UPDATE audit_auditentry SET details = %s WHERE id = %s",
        ['{"step": 99}', edited.id],
    )

    # then verification stops at exactly that row, saying its content changed
    result = verify_chain(batch_size=2)
    assert result.ok is False
    assert result.first_broken_id == edited.id
    assert result.reason == CONTENT_CHANGED
    assert result.describe_in("en") == (
        f"BROKEN at entry #{edited.id}: its content no longer matches its hash "
        "(the row was edited)."
    )
    # and the command fails, naming the row
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify")
    assert failure.value.returncode == 1
    assert str(failure.value).startswith(f"BROKEN at entry #{edited.id}:")


def test_editing_the_actor_label_is_detected():
    entries = write_entries(3)
    tamper("UPDATE audit_auditentry SET actor_label = %s WHERE id = %s", ["someone", entries[0].id])
    assert verify_chain().first_broken_id == entries[0].id


def test_a_row_edited_together_with_its_hash_breaks_the_next_link():
    # given three entries
    entries = write_entries(3)
    middle = entries[1]

    # when someone rewrites the middle row and recomputes a plausible hash for it
    tamper(
        "UPDATE audit_auditentry SET action = %s, hash = %s WHERE id = %s",
        ["test.forged", "f" * 64, middle.id],
    )

    # then the row itself no longer matches its content, so it is reported first
    result = verify_chain()
    assert (result.ok, result.first_broken_id) == (False, middle.id)


def test_a_deleted_row_is_detected_at_the_row_after_it():
    # given five entries
    entries = write_entries(5)

    # when the third is deleted directly in the database
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].id])

    # then the fourth does not follow the second any more
    result = verify_chain()
    assert result.ok is False
    assert result.first_broken_id == entries[3].id
    assert result.reason == LINK_BROKEN
    assert result.previous_id == entries[1].id
    with pytest.raises(CommandError, match=f"BROKEN at entry #{entries[3].id}:"):
        call_command("audit", "verify")


def test_swapped_rows_are_detected():
    # given three entries
    first, second, third = write_entries(3)

    # when the ids of the last two are swapped (their order rewritten)
    spare = third.id + 1000
    tamper("UPDATE audit_auditentry SET id = %s WHERE id = %s", [spare, second.id])
    tamper("UPDATE audit_auditentry SET id = %s WHERE id = %s", [second.id, third.id])
    tamper("UPDATE audit_auditentry SET id = %s WHERE id = %s", [third.id, spare])

    # then the entry now in second place does not follow the first
    result = verify_chain()
    assert (result.ok, result.first_broken_id, result.reason) == (False, second.id, LINK_BROKEN)


def test_an_anchor_catches_a_truncated_chain(capsys):
    # given a head recorded outside the database
    entries = write_entries(3)
    call_command("audit", "head")
    anchor = capsys.readouterr().out.split()[0]
    assert anchor == f"{entries[-1].id}:{entries[-1].hash}"

    # when the last entry is removed (the chain before it still links up)
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].id])

    # then the chain alone looks intact, but not against the anchor
    assert verify_chain().ok is True
    with pytest.raises(CommandError, match=f"BROKEN at entry #{entries[-1].id}:"):
        call_command("audit", "verify", "--anchor", anchor)


def test_tail_lists_the_latest_entries(capsys):
    entry = log_action("test.tail", details={"n": 1})
    call_command("audit", "tail", "-n", "1")
    assert capsys.readouterr().out.startswith(f"#{entry.id} ")
