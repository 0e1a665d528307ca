"""PostgreSQL: a covering index of the counter key with the value (index-only scans).

Past periods' counters are never updated again, so once autovacuum has marked their pages
all-visible the dashboard reads the index alone. Other databases keep the unique key only.
"""

from django.db import migrations

# Also: no parallel plan for this table; the dashboard's reads are a few thousand index
# entries, where starting workers costs more than it saves on a busy server.

CREATE = (
    "CREATE INDEX IF NOT EXISTS insights_counter_cover ON insights_counter "
    "(grain, procedure_id, period, agency_id, metric) INCLUDE (value)"
)
DROP = "DROP INDEX IF EXISTS insights_counter_cover"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        schema_editor.execute("ALTER TABLE insights_counter SET (parallel_workers = 0)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        schema_editor.execute("ALTER TABLE insights_counter RESET (parallel_workers)")


class Migration(migrations.Migration):
    dependencies = [("insights", "0002_index_components")]

    operations = [migrations.RunPython(create, drop)]
