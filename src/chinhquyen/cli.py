"""The ``chinhquyen`` console command: Django's manage.py under the project's name.

``chinhquyen migrate``, ``chinhquyen runserver``, ``chinhquyen audit verify`` …
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.settings")
    from django.core.management import execute_from_command_line

    from chinhquyen.audit.context import audit_context

    args = sys.argv[1:] if argv is None else argv
    # Whatever a command changes is attributed to that command in the audit trail, also for
    # Django's own commands (shell, loaddata …) that do not use AuditedCommand.
    with audit_context(source="command", label=" ".join(args[:2])[:200]):
        execute_from_command_line(["chinhquyen", *args])


if __name__ == "__main__":
    main()
