"""Access rule at scale (services.access / services.search): ``Assignment.document_organisation``.

The receiving organisation of the assigned document, copied onto the assignment (it never
changes) with an index ``(unit, document_organisation, document)``: the documents of other
agencies assigned to a user's units are read from that index alone, which replaces the
per-process memo the search kept of them. Existing rows are filled in here; rows written
without it (``bulk_create``) stay NULL and are treated as candidates by the rule.
"""

import django.db.models.deletion
from django.db import migrations, models


def backfill(apps, schema_editor):
    Assignment = apps.get_model("documents", "Assignment")
    IncomingDocument = apps.get_model("documents", "IncomingDocument")
    Assignment.objects.filter(document_organisation__isnull=True).update(
        document_organisation_id=models.Subquery(
            IncomingDocument.objects.filter(pk=models.OuterRef("document_id")).values(
                "organisation_id"
            )[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_organisation_search_name"),
        ("documents", "0006_events_and_task_reminders"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="document_organisation",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="directory.organisation",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["unit", "document_organisation", "document"],
                name="assignment_unit_docorg",
            ),
        ),
    ]
