"""Access keys on documents (``documents.access_keys``), replacing 0007's assignment column.

* ``access_keys`` on incoming and outgoing documents: the tokens of who may see each one, filled
  here for the documents already there (in batches of 2,000, a few seconds per 100,000).
* PostgreSQL only: ``access_array``, a stored generated column ``string_to_array(btrim(
  access_keys), ' ')`` with a GIN index on each table. The search tests access with
  ``access_array && ARRAY['o3', 'r7']`` (one index read, or a cheap test on each row it walks);
  SQLite reads the same text with ``LIKE '% o3 %'``. Like ``search_vector`` (0003), the model
  does not declare the column and Django never writes it.
* ``Assignment.document_organisation`` (0007) and its index go: the keys answer what they did.
"""

from django.db import migrations, models

TABLES = ("documents_incomingdocument", "documents_outgoingdocument")
BATCH = 2000

FORWARD = [
    statement
    for table in TABLES
    for statement in (
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS access_array text[] GENERATED ALWAYS "
        "AS (string_to_array(btrim(access_keys), ' ')) STORED",
        f"CREATE INDEX IF NOT EXISTS {table}_access_gin ON {table} USING gin (access_array)",
    )
]
BACKWARD = [
    statement
    for table in TABLES
    for statement in (
        f"DROP INDEX IF EXISTS {table}_access_gin",
        f"ALTER TABLE {table} DROP COLUMN IF EXISTS access_array",
    )
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


def fill(apps, schema_editor):
    # The token rules themselves (pure functions over the columns), not the live models.
    from chinhquyen.documents.access_keys import incoming_tokens, outgoing_tokens, pack

    using = schema_editor.connection.alias
    Incoming = apps.get_model("documents", "IncomingDocument")
    Outgoing = apps.get_model("documents", "OutgoingDocument")
    Assignment = apps.get_model("documents", "Assignment")
    ReviewStep = apps.get_model("documents", "ReviewStep")
    for model, part, columns, tokens in (
        (Incoming, Assignment, ("document_id", "unit_id", "assignee_id"), incoming_tokens),
        (Outgoing, ReviewStep, ("document_id", "reviewer_id"), outgoing_tokens),
    ):
        last = 0
        while True:
            documents = list(
                model.objects.using(using).filter(pk__gt=last).order_by("pk")[:BATCH]
            )
            if not documents:
                break
            related = {document.pk: [] for document in documents}
            rows = part.objects.using(using).filter(document_id__in=list(related))
            for document_id, *rest in rows.order_by().values_list(*columns):
                related[document_id].append(rest[0] if len(rest) == 1 else tuple(rest))
            for document in documents:
                document.access_keys = pack(tokens(document, related[document.pk]))
            model.objects.using(using).bulk_update(documents, ["access_keys"])
            last = documents[-1].pk


class Migration(migrations.Migration):
    dependencies = [("documents", "0007_search_access")]

    operations = [
        migrations.RemoveIndex(model_name="assignment", name="assignment_unit_docorg"),
        migrations.RemoveField(model_name="assignment", name="document_organisation"),
        migrations.AddField(
            model_name="incomingdocument",
            name="access_keys",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="outgoingdocument",
            name="access_keys",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
