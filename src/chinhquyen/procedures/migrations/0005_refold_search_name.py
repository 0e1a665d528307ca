"""ProcedureVersion.search_name folded by the platform's one rule (punctuation breaks words).

Frozen copy of core.text.fold_words, as of this migration.
"""

import re
import unicodedata

from django.db import migrations

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def _fold(text):
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )
    return _NOT_WORD.sub(" ", stripped.lower()).strip()


def refold(apps, schema_editor):
    ProcedureVersion = apps.get_model("procedures", "ProcedureVersion")
    changed = []
    versions = ProcedureVersion.objects.select_related("procedure").only(
        "pk", "name", "search_name", "procedure__national_code"
    )
    for version in versions.iterator(chunk_size=500):
        folded = _fold(f"{version.procedure.national_code} {version.name}")[:600]
        if folded != version.search_name:
            version.search_name = folded
            changed.append(version)
    ProcedureVersion.objects.bulk_update(changed, ["search_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0004_catalogue_english_and_search")]
    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
