import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0004_supplement_request"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="result_signed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="result signed at"),
        ),
        migrations.AddField(
            model_name="dossier",
            name="result_signed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="result signed by",
            ),
        ),
    ]
