"""The message log is hash-chained: it verifies, and an edit or a removal is detected."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from chinhquyen.audit.models import AppendOnlyError
from chinhquyen.exchange import messagelog
from chinhquyen.exchange.models import MessageLogEntry

pytestmark = pytest.mark.django_db


def three_entries() -> list[MessageLogEntry]:
    return [
        messagelog.append(
            direction="out",
            connector="peer",
            peer="T02",
            endpoint="http://t02.example/exchange/inbox/",
            status_code=202,
            latency_ms=12 * n,
            request_sha256="a" * 64,
            response_sha256="b" * 64,
            idempotency_key=f"doc-{n}",
            message_id=n,
            outcome="delivered",
        )
        for n in (1, 2, 3)
    ]


def raw(sql: str, params: list) -> None:
    table = connection.ops.quote_name(MessageLogEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)


def test_the_chain_links_every_entry_and_verifies():
    first, second, third = three_entries()
    assert first.prev_hash == messagelog.GENESIS_HASH
    assert (second.prev_hash, third.prev_hash) == (first.hash, second.hash)
    result = messagelog.verify_log()
    assert (result.ok, result.checked, result.head_hash) == (True, 3, third.hash)
    call_command("exchange_verify_log")


def test_an_edited_entry_is_detected():
    _, second, _ = three_entries()
    raw("UPDATE {table} SET status_code = %s WHERE id = %s", [200, second.pk])
    result = messagelog.verify_log()
    assert (result.ok, result.first_broken_id, result.reason) == (
        False,
        second.pk,
        "content_changed",
    )
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("exchange_verify_log")


def test_a_removed_entry_is_detected():
    _, second, third = three_entries()
    raw("DELETE FROM {table} WHERE id = %s", [second.pk])
    result = messagelog.verify_log()
    assert (result.ok, result.first_broken_id, result.reason) == (False, third.pk, "link_broken")


def test_the_application_cannot_change_or_remove_entries():
    entry = three_entries()[0]
    with pytest.raises(AppendOnlyError):
        MessageLogEntry.objects.filter(pk=entry.pk).update(outcome="dead")
    with pytest.raises(AppendOnlyError):
        MessageLogEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        entry.save()
