from chinhquyen.audit.commands import AuditedCommand
from chinhquyen.portal.services import rebuild_catalogue_search


class Command(AuditedCommand):
    help = "Recompute the folded search text of every published procedure version."

    def handle(self, *args, **options):
        count = rebuild_catalogue_search()
        self.stdout.write(self.style.SUCCESS(f"Catalogue search: {count} versions indexed."))
