"""The ``chinhquyen`` console command: Django's manage.py under the project's name.

``chinhquyen migrate``, ``chinhquyen runserver``, ``chinhquyen audit verify`` …
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["chinhquyen", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
