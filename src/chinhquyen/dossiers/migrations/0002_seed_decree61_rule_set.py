"""Seed the classic one-stop rule set: Decree 61/2018/NĐ-CP (in force 21 Jun 2018)."""

import datetime
from zoneinfo import ZoneInfo

from django.db import migrations

ICT = ZoneInfo("Asia/Ho_Chi_Minh")


def seed(apps, schema_editor):
    OneStopRuleSet = apps.get_model("dossiers", "OneStopRuleSet")
    OneStopRuleSet.objects.get_or_create(
        code="ND61-2018",
        defaults={
            "name": "Nghị định 61/2018/NĐ-CP (sửa đổi bởi 107/2021/NĐ-CP)",
            "legal_basis": (
                "Nghị định 61/2018/NĐ-CP Điều 17–22, 26, 31; Nghị định 107/2021/NĐ-CP; "
                "Thông tư 01/2018/TT-VPCP Điều 13–15, 19"
            ),
            "effective_from": datetime.datetime(2018, 6, 21, tzinfo=ICT),
            "supplement_clock": "restart",
            "supplement_window_working_days": 3,
            "paper_transfer_cutoff": datetime.time(15, 0),
            "apology_min_working_days_before": 1,
            "max_appointment_moves": 1,
            "code_format": "{agency}-{yymmdd}-{seq:04d}",
            "sequence_digits": 4,
            "notes": (
                "Classic framework. Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP may change "
                "the clock (pause) and the forms: UNCONFIRMED; add a new rule set with its date."
            ),
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("dossiers", "OneStopRuleSet").objects.filter(
        code="ND61-2018", dossiers__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
