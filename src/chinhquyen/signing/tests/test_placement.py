"""Placement of visible signatures from the document: empty field, signer block, marker, seal.

The PDFs are real documents laid out by WeasyPrint; where the text landed is read back with
poppler's ``pdftotext -bbox-layout`` (not the library the code uses), and ``pdfsig`` checks
the signatures.
"""

import re
import shutil
import subprocess
from io import BytesIO

import pytest

from chinhquyen.audit.models import AuditEntry
from chinhquyen.signing.errors import SigningError
from chinhquyen.signing.services import Appearance, sign_pdf, verify_pdf

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfsig") is None,
    reason="poppler-utils (pdftotext, pdfsig) not installed",
)

DECISION = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 20mm 15mm 20mm 30mm; }}
body {{ font-family: "Liberation Serif", "Times New Roman", serif; font-size: 14pt; }}
.block {{ margin-left: 55%; text-align: center; }}
.block .title {{ font-weight: bold; margin: 0; }}
.block .name {{ font-weight: bold; margin-top: 80pt; }}
.marker {{ margin-left: 60%; margin-top: 40pt; }}
</style></head><body>
<p>ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM</p>
<h1>QUYẾT ĐỊNH</h1>
{paragraphs}
<div class="block"><p class="title">TM. ỦY BAN NHÂN DÂN</p><p class="title">CHỦ TỊCH</p>
<p class="name">{name}</p></div>
{marker}
</body></html>"""


def weasyprint_pdf(*, name: str = "Trần Thị Bình", paragraphs: int = 3, marker: str = "") -> bytes:
    from weasyprint import HTML

    body = "\n".join(
        f"<p>Điều {n}. Nội dung quyết định của điều này, đủ dài để chiếm một dòng.</p>"
        for n in range(1, paragraphs + 1)
    )
    marker_html = f'<p class="marker">{marker}</p>' if marker else ""
    html = DECISION.format(paragraphs=body, name=name, marker=marker_html)
    return HTML(string=html).write_pdf()


def word_boxes(pdf: bytes, tmp_path) -> list[tuple[int, str, float, float, float, float]]:
    """(page, word, x0, y0, x1, y1) in PDF points, origin bottom left, via pdftotext."""
    path = tmp_path / "words.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"],
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout  # fmt: skip
    words = []
    for page_no, page in enumerate(re.findall(r"<page (.*?)</page>", out, re.S)):
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        for x0, y0, x1, y1, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            page,
        ):
            words.append(
                (page_no, text, float(x0), height - float(y1), float(x1), height - float(y0))
            )
    return words


def signature_widget(signed: bytes, field: str):
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(signed))
    [sig] = [s for s in reader.embedded_signatures if s.field_name == field]
    widget = sig.sig_field["/Kids"][0] if "/Kids" in sig.sig_field else sig.sig_field
    pages = [p.get_object() for p in reader.root["/Pages"]["/Kids"]]
    page = pages.index(widget["/P"].get_object())
    return page, tuple(float(v) for v in widget["/Rect"])


def pdfsig_valid(signed: bytes, tmp_path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    result = subprocess.run(
        ["pdfsig", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@needs_poppler
def test_leader_signature_lands_between_title_and_name(binh_key, leader_binh, tmp_path):
    # given a decision laid out by WeasyPrint, ending with the signer block
    # "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH / (signature) / Trần Thị Bình"
    pdf = weasyprint_pdf()
    words = word_boxes(pdf, tmp_path)
    [title] = [w for w in words if w[1] == "TỊCH"]
    [name_last] = [w for w in words if w[1] == "Bình"]
    [name_first] = [w for w in words if w[1] == "Trần" and w[0] == name_last[0]]

    # when Bình signs without saying where
    signed = sign_pdf(pdf, signer=leader_binh, role="personal", acting_user=leader_binh)

    # then the signature is on the block's page, between the name line and the title line,
    # centred on the name, and poppler still validates the signature
    page, (x1, y1, x2, y2) = signature_widget(signed, "Signature1_personal")
    assert page == name_last[0]
    assert name_last[5] <= y1 < y2 <= title[3]
    name_centre = (name_first[2] + name_last[4]) / 2
    assert abs((x1 + x2) / 2 - name_centre) < 1.0
    assert (x2 - x1) == pytest.approx(160.0)
    out = pdfsig_valid(signed, tmp_path)
    assert "Signature Validation: Signature is Valid." in out
    assert AuditEntry.objects.get(action="signing.sign_pdf").details["placement"] == "anchor"


@needs_poppler
def test_signer_block_on_the_last_page_of_a_long_document(binh_key, leader_binh, tmp_path):
    # given a three-page decision whose signer block is on its last page
    pdf = weasyprint_pdf(paragraphs=70)
    words = word_boxes(pdf, tmp_path)
    [name_last] = [w for w in words if w[1] == "Bình"]
    assert name_last[0] >= 1

    signed = sign_pdf(pdf, signer=leader_binh, role="personal")

    page, (_x1, y1, _x2, _y2) = signature_widget(signed, "Signature1_personal")
    assert page == name_last[0]
    assert y1 >= name_last[5]
    assert verify_pdf(signed).all_valid


@needs_poppler
def test_an_empty_signature_field_is_filled(binh_key, leader_binh, tmp_path):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    # given a document whose template already holds an empty field "ChuKyNguoiKy"
    out = BytesIO()
    writer = IncrementalPdfFileWriter(BytesIO(weasyprint_pdf()))
    append_signature_field(
        writer, SigFieldSpec("ChuKyNguoiKy", on_page=0, box=(100.0, 200.0, 260.0, 260.0))
    )
    writer.write(out)
    pdf = out.getvalue()

    # when Bình signs
    signed = sign_pdf(pdf, signer=leader_binh, role="personal")

    # then that very field holds her signature, at its own rectangle, and it validates
    page, rect = signature_widget(signed, "ChuKyNguoiKy")
    assert (page, rect) == (0, (100.0, 200.0, 260.0, 260.0))
    assert "Signature is Valid." in pdfsig_valid(signed, tmp_path)
    report = verify_pdf(signed)
    assert [s.field_name for s in report.signatures] == ["ChuKyNguoiKy"]


def test_a_named_field_that_is_missing_is_refused(binh_key, leader_binh):
    pdf = weasyprint_pdf()
    with pytest.raises(SigningError, match="no empty signature field named Ô-ký"):
        sign_pdf(pdf, signer=leader_binh, role="personal", appearance=Appearance(field_name="Ô-ký"))
    assert not AuditEntry.objects.filter(action="signing.sign_pdf").exists()


@needs_poppler
def test_a_configured_marker_centres_the_signature(binh_key, leader_binh, tmp_path):
    # given a template that prints the marker [[chu-ky]] where the signature goes
    pdf = weasyprint_pdf(name="Người khác", marker="[[chu-ky]]")
    [marker] = [w for w in word_boxes(pdf, tmp_path) if w[1] == "[[chu-ky]]"]

    signed = sign_pdf(
        pdf, signer=leader_binh, role="personal", appearance=Appearance(anchor="[[chu-ky]]")
    )

    _page, (x1, y1, x2, y2) = signature_widget(signed, "Signature1_personal")
    assert abs((x1 + x2) / 2 - (marker[2] + marker[4]) / 2) < 1.0
    assert abs((y1 + y2) / 2 - (marker[3] + marker[5]) / 2) < 2.0


def test_without_an_anchor_the_fixed_box_is_used(binh_key, leader_binh, settings):
    # given a document that does not name the signer anywhere
    settings.SIGNING_PERSONAL_BOX = (330.0, 90.0, 530.0, 170.0)
    pdf = weasyprint_pdf(name="Người khác")

    signed = sign_pdf(pdf, signer=leader_binh, role="personal")

    assert signature_widget(signed, "Signature1_personal") == (0, (330.0, 90.0, 530.0, 170.0))
    assert AuditEntry.objects.get(action="signing.sign_pdf").details["placement"] == "default"


@needs_poppler
def test_the_seal_covers_the_left_third_of_the_leaders_signature(
    binh_key, org_a_key, leader_binh, clerk_hoa, tmp_path
):
    from PIL import Image

    # given the decision signed by the leader, and the organisation's red seal (120 px, 96 dpi)
    once = sign_pdf(weasyprint_pdf(), signer=leader_binh, role="personal")
    _page, (lx1, ly1, lx2, ly2) = signature_widget(once, "Signature1_personal")
    seal = BytesIO()
    Image.new("RGBA", (120, 120), (200, 0, 0, 160)).save(seal, "PNG", dpi=(96, 96))

    # when the clerk applies the organisation's signature with the seal image
    twice = sign_pdf(
        once,
        signer=clerk_hoa,
        role="organisation",
        appearance=Appearance(image=seal.getvalue(), text=""),
        acting_user=clerk_hoa,
    )

    # then the seal, at its real size (90 pt), ends a third of the way into the signature
    _page, (x1, y1, x2, y2) = signature_widget(twice, "Signature2_organisation")
    assert x2 == pytest.approx(lx1 + (lx2 - lx1) / 3, abs=0.01)
    assert (x2 - x1, y2 - y1) == (pytest.approx(90.0, abs=0.05), pytest.approx(90.0, abs=0.05))
    assert (y1 + y2) / 2 == pytest.approx((ly1 + ly2) / 2, abs=0.01)
    out = pdfsig_valid(twice, tmp_path)
    assert out.count("Signature Validation: Signature is Valid.") == 2, out
