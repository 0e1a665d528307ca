"""Organisation.search_name folded by the platform's one rule: punctuation is a word break.

Before, "Sở Tư pháp (tỉnh)" was stored as "so tu phap (tinh)", so the portal's word-prefix
search (which folds punctuation away) did not find "tinh". Frozen copy of core.text.fold_words.
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
    Organisation = apps.get_model("directory", "Organisation")
    changed = []
    for organisation in Organisation.objects.only("pk", "name", "search_name").iterator():
        folded = _fold(organisation.name)[:255]
        if folded != organisation.search_name:
            organisation.search_name = folded
            changed.append(organisation)
    Organisation.objects.bulk_update(changed, ["search_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_organisation_search_name")]
    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
