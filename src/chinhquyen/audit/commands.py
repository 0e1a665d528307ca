"""Management commands whose changes are attributed to the command in the audit trail.

Derive a command from :class:`AuditedCommand` instead of ``BaseCommand``::

    from chinhquyen.audit.commands import AuditedCommand

    class Command(AuditedCommand):
        def handle(self, *args, **options):
            create_organisation(..., acting_user=None)   # recorded with source="command"

Every entry written while it runs carries ``source="command"`` and the command's name as its
origin; an explicit ``acting_user`` passed to a service still names the person.
"""

from django.core.management.base import BaseCommand

from chinhquyen.audit.choices import AuditSource
from chinhquyen.audit.context import audit_context


class AuditedCommand(BaseCommand):
    audit_label: str = ""  # defaults to the command's name (its module name)

    def get_audit_label(self) -> str:
        return self.audit_label or self.__module__.rsplit(".", 1)[-1]

    def execute(self, *args, **options):
        with audit_context(source=AuditSource.COMMAND.value, label=self.get_audit_label()):
            return super().execute(*args, **options)
