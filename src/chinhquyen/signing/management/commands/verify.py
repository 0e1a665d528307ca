"""``chinhquyen verify FILE.pdf``: print the report; exit 1 when a signature is not valid.

Exit status: 0 every signature valid; 1 at least one invalid, or no signature at all;
2 (CommandError) the file cannot be read or is not a PDF. ``--json`` prints the report as JSON.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.commands import AuditedCommand
from chinhquyen.signing.errors import SigningError, bilingual
from chinhquyen.signing.verification import verify_pdf


class Command(AuditedCommand):
    help = "Verify every digital signature of a PDF and print the report."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="PDF file to verify")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument(
            "--lang", default="vi", choices=["vi", "en"], help="language of the report"
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(bilingual(_("Cannot read %(path)s."), path=str(path))) from exc
        try:
            report = verify_pdf(data)
        except SigningError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), default=str, ensure_ascii=False))
        else:
            self.stdout.write(report.summary(options["lang"]))
        if not report.all_valid:
            sys.exit(1)
