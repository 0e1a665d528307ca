"""Search indexes for documents (services.search), PostgreSQL only; nothing on SQLite.

* ``search_vector``: a stored generated column ``strip(to_tsvector('simple', search_text))``
  with a GIN index on each documents table. The search matches word prefixes with
  ``search_vector @@ to_tsquery('simple', 'cong:* & van:*')``, which means the same as the
  ``LIKE '% cong%' AND LIKE '% van%'`` used on SQLite over the same folded text (see the
  docstring of ``documents.services.search``). Positions are stripped: nothing ranks by them.
* ``registered_by, organisation`` and the secret ones' ``registered_by``: the search finds
  the documents a clerk registered outside the agencies she sees by organisation, and the
  secret ones, from these indexes alone (services.search).
* Newest-first indexes for users who see many agencies (a province leader, an administrator):
  incoming by arrival time; outgoing by issue time, else creation time — the expression
  ``COALESCE(issued_at, created_at)`` the search orders by.

The model does not declare ``search_vector`` (SQLite has no tsvector); Django never writes it.
A later change of ``search_text``'s type must drop and re-create the column (PostgreSQL refuses
to alter a column a generated column reads).
"""

from django.db import migrations

TABLES = ("documents_incomingdocument", "documents_outgoingdocument")

FORWARD = [
    statement
    for table in TABLES
    for statement in (
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS "
        "AS (strip(to_tsvector('simple'::regconfig, search_text))) STORED",
        f"CREATE INDEX IF NOT EXISTS {table}_search_gin ON {table} USING gin (search_vector)",
    )
] + [
    "CREATE INDEX IF NOT EXISTS documents_incoming_newest "
    "ON documents_incomingdocument (arrived_at DESC, id DESC)",
    "CREATE INDEX IF NOT EXISTS documents_outgoing_newest "
    "ON documents_outgoingdocument ((COALESCE(issued_at, created_at)) DESC, id DESC)",
    "CREATE INDEX IF NOT EXISTS documents_outgoing_org_newest ON documents_outgoingdocument "
    "(organisation_id, (COALESCE(issued_at, created_at)) DESC, id DESC)",
    # The search's access check: documents a clerk registered outside her agencies, and
    # secret ones she registered.
    "CREATE INDEX IF NOT EXISTS documents_incoming_registered_by_org "
    "ON documents_incomingdocument (registered_by_id, organisation_id)",
    "CREATE INDEX IF NOT EXISTS documents_incoming_registered_secret "
    "ON documents_incomingdocument (registered_by_id) WHERE secrecy <> 'none'",
]
BACKWARD = [
    "DROP INDEX IF EXISTS documents_incoming_registered_secret",
    "DROP INDEX IF EXISTS documents_incoming_registered_by_org",
    "DROP INDEX IF EXISTS documents_outgoing_org_newest",
    "DROP INDEX IF EXISTS documents_outgoing_newest",
    "DROP INDEX IF EXISTS documents_incoming_newest",
] + [
    statement
    for table in TABLES
    for statement in (
        f"DROP INDEX IF EXISTS {table}_search_gin",
        f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector",
    )
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_decree30_document_types")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
