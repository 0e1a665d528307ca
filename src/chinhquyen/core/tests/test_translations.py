"""The committed catalogues: Vietnamese complete for core, compiled, and loaded by the site."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

LOCALE = Path(settings.LOCALE_PATHS[0])
PACKAGE = LOCALE.parent
# Sources owned by core: its own files, the project templates, and settings (language names).
CORE_SOURCES = ("core/", "templates/", "settings.py")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalogue(language: str):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle, locale=language)


def _core_messages(catalogue):
    for message in catalogue:
        if message.id and any(path.startswith(CORE_SOURCES) for path, _line in message.locations):
            yield message


def test_every_core_string_has_a_vietnamese_translation_and_none_is_fuzzy():
    catalogue = _catalogue("vi")

    missing = [m.id for m in _core_messages(catalogue) if not m.string or m.fuzzy]

    assert missing == []
    assert len(list(_core_messages(catalogue))) > 50


def test_the_core_fragment_is_merged_into_the_vietnamese_catalogue():
    with (PACKAGE / "core" / "locale_vi.po").open("rb") as handle:
        fragment = read_po(handle, locale="vi")
    catalogue = _catalogue("vi")

    differing = [
        m.id
        for m in fragment
        if m.id and catalogue.get(m.id) is not None and catalogue.get(m.id).string != m.string
    ]

    assert differing == []


def test_no_translation_in_any_app_breaks_a_placeholder():
    # A msgstr that drops or renames %(name)s makes the page fail with a KeyError.
    broken = []
    for message in _catalogue("vi"):
        if not message.id or message.fuzzy:  # fuzzy entries are not compiled
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(PLACEHOLDER.findall(text) for text in ids))
        for text in strings:
            if text and set(PLACEHOLDER.findall(text)) - expected:
                broken.append(message.id)
            elif text and not isinstance(message.id, tuple):
                if set(PLACEHOLDER.findall(text)) != expected:
                    broken.append(message.id)

    assert broken == []


def test_both_catalogues_are_compiled():
    for language in ("vi", "en"):
        assert (LOCALE / language / "LC_MESSAGES" / "django.mo").exists(), language


@pytest.mark.django_db
def test_the_compiled_catalogue_is_what_the_site_shows(client):
    vietnamese = client.get("/").content.decode()
    client.cookies["chinhquyen_language"] = "en"
    english = client.get("/").content.decode()

    assert '<a class="skip-link" href="#main">Chuyển đến nội dung chính</a>' in vietnamese
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in english
