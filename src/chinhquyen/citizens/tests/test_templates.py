"""The citizen pages follow the Content-Security-Policy: no inline script, style or handler."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "citizens"
FORBIDDEN = re.compile(r"<script(?![^>]*\ssrc=)|\sstyle=|\son[a-z]+=|<style", re.IGNORECASE)


def test_no_inline_script_or_style():
    offending = [
        f"{path.name}: {match.group(0)}"
        for path in sorted(TEMPLATES.glob("*.html"))
        for match in FORBIDDEN.finditer(path.read_text())
    ]
    assert offending == []
    assert len(list(TEMPLATES.glob("*.html"))) == 6
