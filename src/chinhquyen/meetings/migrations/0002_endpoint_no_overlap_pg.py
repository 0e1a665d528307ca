"""On PostgreSQL, refuse overlapping active bookings of one endpoint in the database itself.

An exclusion constraint over ``(endpoint_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH
&&)`` for rows not released: two concurrent transactions booking the same endpoint for
overlapping times cannot both commit (the second waits for the first, then fails). The ``=``
on an integer inside a GiST index needs the ``btree_gist`` extension (a trusted extension since
PostgreSQL 13, so the database owner may create it). SQLite has no such constraint: there the
service checks inside the IMMEDIATE transaction, which holds the database's only write lock.
The constraint is not declared on the model (Django's ExclusionConstraint is PostgreSQL-only
and would break SQLite); ``services._insert_booking`` translates its error.
"""

from django.db import migrations

CONSTRAINT = "meetings_endpoint_booking_no_overlap"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE meetings_endpointbooking ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (endpoint_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (released_at IS NULL);
"""

DROP = f"ALTER TABLE meetings_endpointbooking DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


def create_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(create_constraint, drop_constraint, elidable=False)]
