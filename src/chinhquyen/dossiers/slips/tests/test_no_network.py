"""Rendering a slip never reaches the network: only data: URIs and local static files."""

import pytest

from chinhquyen.dossiers.slips.render import PACKAGE_DIR, local_only_url_fetcher

from .pdftools import needs_weasyprint

pytestmark = needs_weasyprint


@pytest.mark.parametrize(
    "url",
    [
        "http://example.invalid/logo.png",
        "https://example.invalid/style.css",
        "ftp://example.invalid/x",
        "file:///etc/passwd",
        (PACKAGE_DIR / "settings.py").as_uri(),
    ],
)
def test_fetcher_refuses_remote_urls_and_files_outside_static(url):
    fetcher = local_only_url_fetcher()

    with pytest.raises(ValueError, match="slips fetch only data: URIs and local static files"):
        fetcher(url)


def test_fetcher_serves_data_uris_and_static_files():
    fetcher = local_only_url_fetcher()
    static_file = next(PACKAGE_DIR.glob("*/static/**/*.css"))

    assert fetcher("data:text/plain;base64,eGluIGNow6Bv").read() == "xin chào".encode()
    assert fetcher(static_file.as_uri()).read() == static_file.read_bytes()


def test_a_remote_image_in_a_slip_is_dropped_not_fetched(caplog):
    import weasyprint

    html = '<p>x</p><img src="http://example.invalid/tracker.png">'
    pdf = weasyprint.HTML(string=html, url_fetcher=local_only_url_fetcher()).write_pdf()

    assert pdf.startswith(b"%PDF-")
    assert "example.invalid" in caplog.text
