"""``chinhquyen sign --in a.pdf --out b.pdf --signer USERNAME [--as organisation]``.

Signs with the official's personal key, or (``--as organisation``) with the key of the
official's organisation. A PKCS#11 key needs its PIN: ``--pin-env VAR`` names an environment
variable holding it (default ``SIGNING_PIN``), so it never shows in the process list.
The input file is never modified; the output is written only after a successful signature.
"""

import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.commands import AuditedCommand
from chinhquyen.signing.choices import SignatureRole
from chinhquyen.signing.errors import SigningError, bilingual
from chinhquyen.signing.services import Appearance, sign_pdf


class Command(AuditedCommand):
    help = "Sign a PDF with an official's or their organisation's configured key (PAdES)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--in", dest="input", required=True, help="PDF to sign")
        parser.add_argument("--out", dest="output", required=True, help="signed PDF to write")
        parser.add_argument("--signer", required=True, help="username of the official")
        parser.add_argument(
            "--as",
            dest="role",
            choices=[choice.value for choice in SignatureRole],
            default=SignatureRole.PERSONAL.value,
            help="personal (default) or organisation",
        )
        parser.add_argument(
            "--pin-env",
            default="SIGNING_PIN",
            help="environment variable holding the PIN of a PKCS#11 token",
        )
        parser.add_argument("--invisible", action="store_true", help="no visible appearance")
        parser.add_argument(
            "--document-number", default="", help="number and notation for the organisation stamp"
        )

    def handle(self, *args, **options) -> None:
        source = Path(options["input"])
        target = Path(options["output"])
        try:
            pdf = source.read_bytes()
        except OSError as exc:
            raise CommandError(bilingual(_("Cannot read %(path)s."), path=str(source))) from exc
        user = get_user_model().objects.filter(username=options["signer"]).first()
        if user is None:
            raise CommandError(
                bilingual(_("No user with the username %(name)s."), name=options["signer"])
            )
        appearance = Appearance(
            visible=not options["invisible"], document_number=options["document_number"]
        )
        try:
            signed = sign_pdf(
                pdf,
                signer=user,
                role=options["role"],
                appearance=appearance,
                pin=os.environ.get(options["pin_env"]) or None,
            )
        except SigningError as exc:
            raise CommandError(exc.message) from exc
        target.write_bytes(signed)
        self.stdout.write(bilingual(_("Signed: %(path)s"), path=str(target)))
