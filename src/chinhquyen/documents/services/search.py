"""Searchable text of documents: folded metadata plus the files' text.

The text is folded like the procedure catalogue (``procedures.search.padded``: no diacritics,
lower case, đ→d, words separated by single spaces, padded), so a word prefix is the substring
``" " + word`` on every database. ``reindex`` is called by every service that changes what is
searchable (registration, text extraction, drafting, numbering).
"""

from __future__ import annotations

from chinhquyen.documents.models import IncomingDocument, OutgoingDocument
from chinhquyen.procedures.search import padded

# Enough for the summary, the metadata and the first pages of OCR text.
SEARCH_TEXT_MAX = 20000


def document_search_text(document: IncomingDocument | OutgoingDocument) -> str:
    parts = [
        document.subject,
        document.code,
        document.signer_name,
        document.signer_position,
        document.description,
        document.document_type.name if document.document_type_id else "",
    ]
    if isinstance(document, IncomingDocument):
        parts += [document.issuer_name, document.to_places, str(document.arrival_number)]
    else:
        parts += [document.organisation.name, document.body]
    if document.pk:
        parts += list(document.files.exclude(text="").values_list("text", flat=True))
    return padded(*parts)[:SEARCH_TEXT_MAX]


def reindex(document: IncomingDocument | OutgoingDocument) -> None:
    """Recompute and store the document's search text (one UPDATE, no change capture)."""
    document.search_text = document_search_text(document)
    type(document).objects.filter(pk=document.pk).update(search_text=document.search_text)
