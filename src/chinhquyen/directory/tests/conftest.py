import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_messages():
    """Service and import messages are asserted in English (the msgids); the Vietnamese
    rendering is checked explicitly where it matters (test_bilingual_messages.py)."""
    with translation.override("en"):
        yield
