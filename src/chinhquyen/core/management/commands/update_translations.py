"""Refresh the message catalogues from the source and fill Vietnamese from the app fragments.

Developer tool (needs GNU gettext for ``makemessages``); the setup only runs
``compile_translations``, which needs nothing but Babel.

1. ``makemessages -l vi -l en`` over the whole package (English msgids).
2. Every empty or fuzzy entry of ``locale/vi/LC_MESSAGES/django.po`` is filled from the
   fragments ``src/chinhquyen/<app>/locale_vi.po`` (plain PO entries written by each app).
3. The catalogues are compiled, and the entries still untranslated are listed
   (``--check`` makes that an error, for CI).
"""

import os
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from chinhquyen import __version__

FRAGMENT_NAME = "locale_vi.po"


def _key(message) -> tuple:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return (msgid, message.context)


def _is_empty(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(strings)


def read_fragments(package_dir: Path) -> dict[tuple, object]:
    """Translations from every ``<app>/locale_vi.po``, keyed by (msgid, context)."""
    found: dict[tuple, object] = {}
    nested = package_dir.glob(f"*/*/{FRAGMENT_NAME}")  # sub-packages, e.g. dossiers/slips
    for fragment in sorted([*package_dir.glob(f"*/{FRAGMENT_NAME}"), *nested]):
        with fragment.open("rb") as handle:
            catalog = read_po(handle, locale="vi", charset="utf-8")
        for message in catalog:
            if message.id and not _is_empty(message) and not message.fuzzy:
                found.setdefault(_key(message), message)
    return found


def fill_from_fragments(catalog: Catalog, fragments: dict[tuple, object]) -> int:
    """Fill the empty or fuzzy entries of ``catalog``; returns how many were filled."""
    filled = 0
    for message in catalog:
        if not message.id or not (_is_empty(message) or message.fuzzy):
            continue
        source = fragments.get(_key(message))
        if source is None:
            continue
        if message.pluralizable and not isinstance(source.string, tuple):
            message.string = (source.string,) * catalog.num_plurals
        elif not message.pluralizable and isinstance(source.string, tuple):
            message.string = source.string[0]
        else:
            message.string = source.string
        message.flags.discard("fuzzy")
        message.previous_id = ()
        filled += 1
    return filled


def untranslated(catalog: Catalog) -> list:
    return [m for m in catalog if m.id and (_is_empty(m) or m.fuzzy)]


def _write(path: Path, catalog: Catalog) -> None:
    catalog.locale = path.parts[-3]  # an empty "Language:" header would have cleared it
    catalog.project = "ChinhQuyen"
    catalog.version = __version__
    catalog.fuzzy = False  # the header: a fuzzy header makes gettext ignore Plural-Forms
    catalog.language_team = f"{catalog.locale} <https://github.com/chinhquyen>"
    for message in catalog:
        # msgmerge's "#| msgid …" (previous msgid of a fuzzy entry) is read by Babel as a
        # translator comment; drop it so it does not pile up run after run.
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, include_previous=False)


def _normalise_header(path: Path) -> None:
    """Give a fresh ``makemessages`` catalogue a real header: Plural-Forms for its language
    (Vietnamese has one form, English two) and as many msgstr[n] as that says."""
    language = path.parts[-3]
    text = path.read_text(encoding="utf-8")
    nplurals = 1 if language == "vi" else 2
    if nplurals == 1:
        # makemessages writes msgstr[0] and msgstr[1] for a new plural entry; keep the first.
        text = re.sub(r'\nmsgstr\[1\] ""\n', "\n", text)
    text = re.sub(
        r'"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n"\n',
        '"Plural-Forms: '
        + ("nplurals=1; plural=0;" if nplurals == 1 else "nplurals=2; plural=(n != 1);")
        + '\\n"\n',
        text,
    )
    path.write_text(text, encoding="utf-8")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, charset="utf-8")
    _write(path, catalog)


class Command(BaseCommand):
    help = (
        "Run makemessages (vi, en), fill Vietnamese from <app>/locale_vi.po fragments, compile, "
        "and list what is still untranslated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-makemessages",
            action="store_true",
            help="only merge the fragments and compile (no gettext tools needed)",
        )
        parser.add_argument(
            "--check", action="store_true", help="fail when an entry is left untranslated"
        )

    def handle(self, *args, skip_makemessages=False, check=False, **options):
        package_dir = Path(settings.LOCALE_PATHS[0]).parent
        vi_po = Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES" / "django.po"
        if not skip_makemessages:
            previous = Path.cwd()
            os.chdir(package_dir)  # relative paths in the catalogue's comments
            try:
                call_command(
                    "makemessages",
                    locale=["vi", "en"],
                    ignore_patterns=[".venv/*", "*/tests/*", "*/migrations/*"],
                    add_location="file",
                    no_obsolete=True,
                    verbosity=0,
                )
            finally:
                os.chdir(previous)
        if not vi_po.exists():
            raise CommandError(f"{vi_po} does not exist: run without --skip-makemessages first")

        for language in ("en", "vi"):
            _normalise_header(
                Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"
            )
        with vi_po.open("rb") as handle:
            catalog = read_po(handle, locale="vi", charset="utf-8")
        filled = fill_from_fragments(catalog, read_fragments(package_dir))
        _write(vi_po, catalog)
        self.stdout.write(f"filled {filled} Vietnamese entr{'y' if filled == 1 else 'ies'}")

        call_command("compile_translations", stdout=self.stdout)

        missing = untranslated(catalog)
        for message in missing:
            where = ", ".join(sorted({path for path, _line in message.locations})) or "?"
            state = "fuzzy" if message.fuzzy else "untranslated"
            self.stdout.write(f"  {state}: {_key(message)[0]!r} ({where})")
        self.stdout.write(
            f"{len(missing)} Vietnamese entr{'y' if len(missing) == 1 else 'ies'} left"
        )
        if check and missing:
            raise CommandError("some Vietnamese translations are missing (see above)")
