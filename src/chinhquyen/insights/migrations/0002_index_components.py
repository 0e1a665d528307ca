"""Seed the Decision 766/2022 index components (configurable; see ``IndexComponent``).

Only the indicators domain-vn.md §5.1 names are seeded, each with weight 1 and full weight at
100 %; ``confirmed`` marks the ones the sources name in bold. Edit the rows (admin) when the
decision's appendix is read.
"""

from django.db import migrations

COMPONENTS = [
    (1, "national_sync_share", True, "Group 1: dossiers synchronised to the national portal."),
    (2, "on_time_rate", True, "Group 2: dossiers processed early or on time."),
    (3, "digitised_share", False, "Group 3 (UNCONFIRMED list): dossiers digitised."),
    (4, "full_online_procedures_share", False, "Group 4: procedures offered online (full)."),
    (4, "online_share", False, "Group 4: dossiers filed online."),
    (4, "online_payment_share", True, "Group 4: online payment (transactions)."),
    (5, "feedback_on_time_rate", True, "Group 5: feedback handled on time."),
    (5, "feedback_satisfaction_rate", True, "Group 5: satisfaction with feedback handling."),
    (5, "satisfaction_rate", False, "Group 5: satisfaction with procedures (formula UNCONFIRMED)."),
]


def seed(apps, schema_editor):
    component = apps.get_model("insights", "IndexComponent")
    for group, kpi, confirmed, notes in COMPONENTS:
        component.objects.get_or_create(
            group=group,
            kpi=kpi,
            defaults={"weight": 1, "full_at": 100, "confirmed": confirmed, "notes": notes},
        )


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
