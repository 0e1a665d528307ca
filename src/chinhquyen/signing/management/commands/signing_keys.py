"""Set up signing from the command line (administrators and scripts).

    chinhquyen signing_keys trust ROOT.pem [--name "Root CA"]
    chinhquyen signing_keys pkcs12 FILE.p12 (--user USERNAME | --organisation ID)
                                   [--passphrase-env VAR] [--label TEXT]
    chinhquyen signing_keys pkcs11 --module LIB.so --token LABEL --key LABEL --cert CHAIN.pem
                                   (--user USERNAME | --organisation ID) [--label TEXT]
    chinhquyen signing_keys list

The PKCS#12 passphrase is read from an environment variable (default ``SIGNING_PASSPHRASE``),
never from the command line. Every change goes through ``signing.services`` and is audited.
"""

import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.commands import AuditedCommand
from chinhquyen.signing.choices import SignatureRole
from chinhquyen.signing.errors import SigningError, bilingual
from chinhquyen.signing.models import SigningKey
from chinhquyen.signing.services import (
    add_trust_anchor,
    import_pkcs12_key,
    register_pkcs11_key,
    set_appearance_image,
)


class Command(AuditedCommand):
    help = "Add trust anchors and signing keys (PKCS#12, PKCS#11); list keys."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        trust = sub.add_parser("trust", help="add a CA certificate to the trust list")
        trust.add_argument("file")
        trust.add_argument("--name", default="")
        p12 = sub.add_parser("pkcs12", help="import a PKCS#12 key (stored sealed)")
        p12.add_argument("file")
        p12.add_argument("--passphrase-env", default="SIGNING_PASSPHRASE")
        p11 = sub.add_parser("pkcs11", help="register a key on a PKCS#11 token")
        p11.add_argument("--module", required=True)
        p11.add_argument("--token", required=True)
        p11.add_argument("--key", required=True)
        p11.add_argument("--cert", required=True, help="PEM: signer certificate, then chain")
        for key_parser in (p12, p11):
            owner = key_parser.add_mutually_exclusive_group(required=True)
            owner.add_argument("--user", help="username: a personal key")
            owner.add_argument("--organisation", type=int, help="organisation id")
            key_parser.add_argument("--label", default="")
        sub.add_parser("list", help="list signing keys")
        image = sub.add_parser(
            "image",
            help="set the PNG shown with a key's signatures: handwritten signature or seal",
        )
        image.add_argument("key", type=int, help="signing key id (see list)")
        image.add_argument("file", nargs="?", help="PNG with a transparent background")
        image.add_argument("--remove", action="store_true", help="remove the image")

    def handle(self, *args, **options) -> None:
        try:
            getattr(self, "handle_" + options["action"])(options)
        except SigningError as exc:
            raise CommandError(exc.message) from exc

    def handle_trust(self, options) -> None:
        anchor = add_trust_anchor(
            certificate=_read(options["file"]), name=options["name"], acting_user=None
        )
        self.stdout.write(f"{anchor.pk}\t{anchor.name}\t{anchor.fingerprint_sha256}")

    def handle_pkcs12(self, options) -> None:
        passphrase = os.environ.get(options["passphrase_env"], "")
        key = import_pkcs12_key(
            data=_read(options["file"]), passphrase=passphrase, label=options["label"],
            **_owner(options),
        )  # fmt: skip
        self.stdout.write(f"{key.pk}\t{key}")

    def handle_pkcs11(self, options) -> None:
        key = register_pkcs11_key(
            module=options["module"], token_label=options["token"], key_label=options["key"],
            certificate=_read(options["cert"]), label=options["label"], **_owner(options),
        )  # fmt: skip
        self.stdout.write(f"{key.pk}\t{key}")

    def handle_image(self, options) -> None:
        key = SigningKey.objects.filter(pk=options["key"]).first()
        if key is None:
            raise CommandError(
                bilingual(_("No signing key with the id %(id)s."), id=options["key"])
            )
        if not options["remove"] and not options["file"]:
            raise CommandError(bilingual(_("Give a PNG file, or --remove.")))
        data = None if options["remove"] else _read(options["file"])
        set_appearance_image(key, data, acting_user=None)
        self.stdout.write(f"{key.pk}\t{key}\t{'removed' if data is None else len(data)}")

    def handle_list(self, options) -> None:
        keys = SigningKey.objects.select_related("user", "organisation").order_by("pk")
        for key in keys:
            owner = key.user.username if key.user_id else str(key.organisation)
            self.stdout.write(
                f"{key.pk}\t{key.role}\t{key.storage}\t{owner}\t{key.serial_number}\t"
                f"{key.valid_until:%Y-%m-%d}\t{'active' if key.is_active else 'inactive'}"
            )


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(bilingual(_("Cannot read %(path)s."), path=path)) from exc


def _owner(options) -> dict:
    from chinhquyen.directory.models import Organisation

    if options.get("user"):
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(
                bilingual(_("No user with the username %(name)s."), name=options["user"])
            )
        return {"role": SignatureRole.PERSONAL, "user": user}
    organisation = Organisation.objects.filter(pk=options["organisation"]).first()
    if organisation is None:
        raise CommandError(
            bilingual(_("No organisation with the id %(id)s."), id=options["organisation"])
        )
    return {"role": SignatureRole.ORGANISATION, "organisation": organisation}
