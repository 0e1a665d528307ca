"""``chinhquyen audit verify | head | tail``: check and inspect the audit trail."""

import argparse

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.audit.models import AuditEntry
from chinhquyen.audit.services import verify_chain


def _anchor(value: str) -> tuple[int, str]:
    entry_id, _sep, entry_hash = value.partition(":")
    is_hex = not set(entry_hash.lower()) - set("0123456789abcdef")
    if not entry_id.isdigit() or len(entry_hash) != 64 or not is_hex:
        raise argparse.ArgumentTypeError(
            "--anchor must be ID:HASH, e.g. 1234:9f86d0… (64 hex characters) "
            "(--anchor phải có dạng ID:HASH)."
        )
    return int(entry_id), entry_hash.lower()


class Command(BaseCommand):
    help = "Audit trail: verify the hash chain, print its head, or show the latest entries."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        verify = subcommands.add_parser(
            "verify", help="Check the hash chain; exit status 1 at the first broken link."
        )
        verify.add_argument("--batch-size", type=int, default=2000)
        verify.add_argument(
            "--anchor",
            type=_anchor,
            default=None,
            help="ID:HASH of a head recorded earlier (from 'audit head'), kept outside the DB.",
        )
        subcommands.add_parser("head", help="Print the id and hash of the last entry.")
        tail = subcommands.add_parser("tail", help="Show the latest entries.")
        tail.add_argument("-n", "--number", type=int, default=20)

    def handle(self, *args, **options):
        getattr(self, f"handle_{options['subcommand']}")(**options)

    def handle_verify(self, *, batch_size: int, anchor, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1 (--batch-size phải ≥ 1).")
        result = verify_chain(batch_size=batch_size, anchor=anchor)
        vietnamese, english = result.describe_in("vi"), result.describe_in("en")
        if result.ok:
            self.stdout.write(self.style.SUCCESS(vietnamese))
            if english != vietnamese:
                self.stdout.write(self.style.SUCCESS(english))
            return
        if english != vietnamese:
            self.stderr.write(vietnamese)
        raise CommandError(english, returncode=1)

    def handle_head(self, **options) -> None:
        head = AuditEntry.objects.order_by("-id").values_list("id", "hash", "at").first()
        if head is None:
            self.stdout.write(_("The audit trail is empty."))
            return
        self.stdout.write(f"{head[0]}:{head[1]} {head[2].isoformat()}")

    def handle_tail(self, *, number: int, **options) -> None:
        entries = AuditEntry.objects.order_by("-id")[: max(number, 0)]
        for entry in reversed(list(entries)):
            self.stdout.write(
                f"#{entry.id} {timezone.localtime(entry.at):%Y-%m-%d %H:%M:%S} "
                f"{entry.actor_label or entry.source} [{entry.source}"
                f"{':' + entry.label if entry.label else ''}] {entry.action} "
                f"{entry.object_type} {entry.object_id} {entry.object_repr}".rstrip()
            )
