from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0005_result_signature"),
    ]

    operations = [
        migrations.AlterField(
            model_name="dossierevent",
            name="type",
            field=models.CharField(
                choices=[
                    ("received", "Received"),
                    ("handed_over", "Handed over to the processing agency"),
                    ("forwarded", "Forwarded"),
                    ("returned_to_previous", "Returned to the previous step"),
                    ("supplement_requested", "Supplement requested"),
                    ("supplement_received", "Supplement received"),
                    ("transferred", "Transferred to another agency"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("assigned", "Assigned"),
                    ("commented", "Comment"),
                    ("apology_issued", "Apology and new appointment"),
                    ("result_returned", "Result returned"),
                    ("withdrawn", "Withdrawn"),
                    ("payment_recorded", "Payment recorded"),
                    ("evaluated", "Rated by the applicant"),
                    ("flagged_overdue", "Flagged overdue to the agency leader"),
                    ("result_signed", "Result signed"),
                ],
                max_length=32,
                verbose_name="event",
            ),
        ),
    ]
