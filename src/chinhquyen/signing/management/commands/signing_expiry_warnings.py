"""``chinhquyen signing_expiry_warnings [--days N] [--check-revocation]``: run it daily.

Warns the owner official and the agency's IT administrators about every certificate expiring
within ``--days`` (default ``SIGNING_EXPIRY_WARNING_DAYS``, 30): in-app and by e-mail, once per
certificate and threshold however often it runs. ``--check-revocation`` also asks the OCSP
responders / CRLs of the valid certificates whether they were revoked (network).
"""

from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.commands import AuditedCommand
from chinhquyen.signing.errors import bilingual
from chinhquyen.signing.expiry import send_expiry_warnings


class Command(AuditedCommand):
    help = "Warn about digital signature certificates that expire soon (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=None, help="days ahead (default 30)")
        parser.add_argument(
            "--check-revocation",
            action="store_true",
            help="also check revocation of valid certificates (OCSP/CRL)",
        )

    def handle(self, *args, **options) -> None:
        revoked = 0
        if options["check_revocation"]:
            from chinhquyen.signing.choices import CertificateStatus
            from chinhquyen.signing.models import Certificate
            from chinhquyen.signing.registry import refresh_status

            for certificate in Certificate.objects.filter(status=CertificateStatus.VALID):
                refresh_status(certificate, check_revocation=True)
                revoked += certificate.status == CertificateStatus.REVOKED
        result = send_expiry_warnings(threshold_days=options["days"])
        self.stdout.write(
            bilingual(
                _(
                    "Expiry warnings: %(warned)s certificate(s) newly warned about, "
                    "%(expired)s newly expired, %(revoked)s found revoked."
                ),
                warned=result["warned"],
                expired=result["expired"],
                revoked=revoked,
            )
        )
