"""The default office hours: 07:30–11:30 and 13:30–17:00 (provincial configuration)."""

import datetime

from django.db import migrations


def create_default(apps, schema_editor):
    WorkingHours = apps.get_model("worktime", "WorkingHours")
    if not WorkingHours.objects.exists():
        WorkingHours.objects.create(
            valid_from=datetime.date(1990, 1, 1),
            morning_start=datetime.time(7, 30),
            morning_end=datetime.time(11, 30),
            afternoon_start=datetime.time(13, 30),
            afternoon_end=datetime.time(17, 0),
            legal_reference="Mặc định / Default (provincial configuration)",
        )


def remove_default(apps, schema_editor):
    WorkingHours = apps.get_model("worktime", "WorkingHours")
    WorkingHours.objects.filter(valid_from=datetime.date(1990, 1, 1), created_by=None).delete()


class Migration(migrations.Migration):
    dependencies = [("worktime", "0001_initial")]

    operations = [migrations.RunPython(create_default, remove_default)]
