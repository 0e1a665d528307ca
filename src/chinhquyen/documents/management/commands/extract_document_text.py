"""``chinhquyen extract_document_text``: (re)read the text of document files (cron and ops).

Without a choice it reads the PENDING files nobody is working on (``--pending``: files whose
task was lost, or whose worker died). ``--failed`` reads the FAILED ones again (after fixing
the cause, e.g. installing tesseract); ``--file ID`` (repeatable) reads the given files even if
already done. ``--enqueue`` hands them to the background worker instead of reading them in
this process. Every result is audited with this command as its origin.
"""

from chinhquyen.audit.commands import AuditedCommand
from chinhquyen.documents.services.text import (
    enqueue_extraction,
    extract_file_text,
    files_to_extract,
)


class Command(AuditedCommand):
    help = "Read the text of document files (PDF text layer, or OCR of scans)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--pending", action="store_true", help="files waiting (default)")
        parser.add_argument("--failed", action="store_true", help="files whose reading failed")
        parser.add_argument(
            "--file", type=int, action="append", default=[], metavar="ID", help="this file, again"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="enqueue for the worker instead of reading"
        )
        parser.add_argument("--limit", type=int, default=500, help="at most this many files")

    def handle(self, *args, **options) -> None:
        pending = options["pending"] or not (options["failed"] or options["file"])
        ids = files_to_extract(pending=pending, failed=options["failed"])[: options["limit"]]
        # Failed and named files are read again whatever their state (a file a live worker
        # holds is still left alone: the claim checks the lease).
        forced = set(options["file"]) | (set(ids) if options["failed"] else set())
        ids = list(dict.fromkeys([*ids, *options["file"]]))
        if options["enqueue"]:
            queued = sum(enqueue_extraction(pk, force=pk in forced) for pk in ids)
            self.stdout.write(f"{queued} file(s) enqueued")
            return
        counts: dict[str, int] = {}
        for pk in ids:
            document_file = extract_file_text(pk, force=pk in forced)
            status = document_file.text_status if document_file is not None else "missing"
            counts[status] = counts.get(status, 0) + 1
            self.stdout.write(f"file {pk}: {status}")
        summary = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items()))
        self.stdout.write(summary or "nothing to read")
