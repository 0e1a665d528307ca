"""Every per-dossier slip carries a QR code of the public status URL of that dossier."""

import base64
import re
import shutil

import pytest

from chinhquyen.dossiers.slips import samples
from chinhquyen.dossiers.slips.render import render_slip, render_slip_html

from .pdftools import decode_qr_codes, needs_poppler, needs_weasyprint

PER_DOSSIER = [
    "01_receipt",
    "02_supplement_request",
    "03_refusal",
    "04_apology",
    "05_control_sheet",
]


@pytest.mark.parametrize("name", PER_DOSSIER)
def test_html_embeds_the_qr_as_an_svg_data_uri(name):
    html = render_slip_html(samples.ALL[name]())

    found = re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(found) == 1
    svg = base64.b64decode(found[0])
    assert svg.startswith(b"<svg")
    assert b"<path" in svg


def test_no_status_url_no_qr():
    slip = samples.refusal()
    slip = type(slip)(**{**slip.__dict__, "status_url": ""})

    html = render_slip_html(slip)

    assert "data:image/svg+xml" not in html


@needs_weasyprint
@needs_poppler
@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools (zbarimg) not installed")
@pytest.mark.parametrize("name", PER_DOSSIER)
def test_the_printed_qr_decodes_to_the_status_url(name):
    pdf = render_slip(samples.ALL[name]())

    assert decode_qr_codes(pdf) == [samples.STATUS_URL]
