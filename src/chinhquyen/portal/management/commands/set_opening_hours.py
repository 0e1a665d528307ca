from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from chinhquyen.audit.commands import AuditedCommand
from chinhquyen.directory.models import Organisation
from chinhquyen.portal.services import set_agency_contact


class Command(AuditedCommand):
    help = "Set the opening hours the public agency directory shows for an agency."

    def add_arguments(self, parser):
        parser.add_argument("code", help="The agency's QCVN 102 code (mã định danh).")
        parser.add_argument("hours", help="Opening hours, in Vietnamese.")
        parser.add_argument("--english", default="", help="Opening hours, in English.")

    def handle(self, *args, code, hours, english, **options):
        organisation = Organisation.objects.filter(qcvn_code=code.strip().upper()).first()
        if organisation is None:
            raise CommandError(f"No agency with the code {code} (không có cơ quan mã {code}).")
        try:
            set_agency_contact(
                organisation=organisation,
                opening_hours=hours,
                opening_hours_en=english,
                acting_user=None,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"{organisation.name}: {hours}"))
