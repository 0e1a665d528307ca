"""One folding rule for every search in the platform (agencies, procedures, documents, news).

``fold_words("Sở Tư pháp (tỉnh)")`` → ``"so tu phap tinh"``: NFD, combining marks removed, đ→d,
lower case, every run of characters that are not ASCII letters or digits made one space. Stored
search columns and queries are folded by this same function, so a word after a bracket or a
dash is found like any other, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold_words(text: str | None) -> str:
    """``"Đăng ký khai sinh (lần đầu)"`` → ``"dang ky khai sinh lan dau"``."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _NOT_WORD.sub(" ", stripped.lower()).strip()
