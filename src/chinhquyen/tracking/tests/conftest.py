"""Tracking tests reuse the dossier fixtures (a published procedure across two agencies,
``receive()`` at department A's counter) and start each test with an empty cache (the
look-up counters live there)."""

import pytest

from chinhquyen.dossiers.tests.conftest import (  # noqa: F401 (fixtures)
    catalogue,
    coded_orgs,
    receive,
    specialist_minh,
)


@pytest.fixture(autouse=True)
def empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files (intake, supplements, results) go to a temporary folder."""
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path
