"""Drafting: the Appendix I presentation rules, edited versions and comments."""

# ruff: noqa: F811 (fixtures imported from the outgoing test fixtures are parameters here)

import datetime
import io
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from chinhquyen.directory.models import Organisation
from chinhquyen.documents.choices import EventType, OutgoingStatus
from chinhquyen.documents.errors import DocumentError, InvalidTransition, UploadRefused
from chinhquyen.documents.models import OutgoingDocument
from chinhquyen.documents.services import numbering
from chinhquyen.documents.services.drafting import (
    DATE_MARK,
    NUMBER_MARK,
    RecipientInput,
    abbreviation,
    add_comment,
    add_version,
    create_draft,
    date_line,
    fill_marks,
    marks_in,
    notation_for,
    render_template,
    template_context,
)
from chinhquyen.documents.tests.test_outgoing_fixtures import make_draft, named_tree  # noqa: F401
from chinhquyen.signing.testing import minimal_pdf

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice and poppler-utils are needed",
)


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts += [p.text for p in cell.paragraphs]
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
        (datetime.date(2026, 1, 31), "ngày 31 tháng 01 năm 2026"),
        (datetime.date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (datetime.date(2026, 12, 24), "ngày 24 tháng 12 năm 2026"),
    ],
)
def test_date_line_leading_zeros(day, expected):
    assert date_line(day) == expected


def test_abbreviations():
    assert abbreviation(Organisation(name="Sở Tư pháp")) == "STP"
    assert abbreviation(Organisation(name="Ủy ban nhân dân tỉnh")) == "UBNDT"
    assert abbreviation(Organisation(name="Đài Phát thanh")) == "ĐPT"
    assert abbreviation(Organisation(name="Văn phòng", short_name="v p")) == "VP"


def test_notations(named_tree, specialist_dung, leader_binh):
    decision = make_draft(named_tree, specialist_dung, leader_binh)
    assert notation_for(decision) == "QĐ-SA"
    letter = make_draft(named_tree, specialist_dung, leader_binh, type_code="cong-van")
    assert notation_for(letter) == "SA-PA1"


def test_official_letter_layout(named_tree, specialist_dung, leader_binh):
    letter = make_draft(
        named_tree,
        specialist_dung,
        leader_binh,
        type_code="cong-van",
        subject="Đề nghị cung cấp số liệu <năm 2026> & kế hoạch",
        recipients=[
            RecipientInput(organisation=named_tree.dept_b),
            RecipientInput(name="Sở C", external_code="000.00.14.H37", for_information=True),
        ],
    )
    letter.signer_competence = "KT."
    letter.signer_position = "Phó Giám đốc"
    text = docx_text(render_template(template_context(letter, list(letter.recipients.all()))))
    assert "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM" in text
    assert "SỞ A" in text
    assert f"Số: {NUMBER_MARK}/SA-PA1" in text
    assert "V/v Đề nghị cung cấp số liệu <năm 2026> & kế hoạch" in text  # escaped, kept
    assert "Kính gửi: Sở B" in text
    assert "QUYẾT ĐỊNH" not in text and "CÔNG VĂN" not in text
    assert "- Như trên;" in text and "- Sở C;" in text and "- Lưu: VT, PA1." in text
    assert "KT. GIÁM ĐỐC" in text and "PHÓ GIÁM ĐỐC" in text
    assert f"Tuyên Quang, {DATE_MARK}" in text


def test_marks_filled_even_when_word_split_them():
    from docx import Document as New

    document = New()
    paragraph = document.add_paragraph()
    for piece in ("Số: [[SO", "_VB]]", "/QĐ-SA"):
        paragraph.add_run(piece)
    document.add_paragraph("Tuyên Quang, [[NGAY_VB]]")
    out = io.BytesIO()
    document.save(out)
    assert marks_in(out.getvalue()) == {NUMBER_MARK, DATE_MARK}
    filled = fill_marks(out.getvalue(), number="05", date="ngày 05 tháng 02 năm 2026")
    text = docx_text(filled)
    assert "Số: 05/QĐ-SA" in text and "Tuyên Quang, ngày 05 tháng 02 năm 2026" in text


def draft_kwargs(tree, leader, **changes):
    values = {
        "organisation": tree.dept_a,
        "drafting_unit": tree.division_a1,
        "document_type": numbering.type_in_force("quyet-dinh"),
        "subject": "Ban hành Quy chế",
        "body": "Điều 1.",
        "recipients": [RecipientInput(organisation=tree.dept_b)],
        "signer": leader.official,
        "signer_competence": "",
        "urgency": "normal",
        "secrecy": "none",
    }
    values.update(changes)
    return values


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"subject": "  "}, "subject_required"),
        ({"recipients": []}, "recipients_required"),
        ({"recipients": "self"}, "self_recipient"),
        ({"recipients": [RecipientInput(name="")]}, "recipient_name"),
        ({"drafting_unit": "dept_b"}, "unit_outside_organisation"),
        ({"signer": "other"}, "signer_outside_organisation"),
        ({"urgency": "asap"}, "bad_choice"),
        ({"signer_competence": "KT"}, "bad_choice"),
        ({"recipients": [RecipientInput(name="Sở X", channel="internal")]}, "recipient_channel"),
        ({"recipients": [RecipientInput(name="Sở X", channel="exchange")]}, "recipient_code"),
    ],
)
def test_create_draft_refuses_bad_input(
    named_tree, specialist_dung, leader_binh, other_agency_official, changes, code
):
    if changes.get("recipients") == "self":
        changes["recipients"] = [RecipientInput(organisation=named_tree.dept_a)]
    if changes.get("drafting_unit") == "dept_b":
        changes["drafting_unit"] = named_tree.dept_b
        specialist_dung = leader_binh  # holds the permission for dept A only
    if changes.get("signer") == "other":
        changes["signer"] = other_agency_official.official
    kwargs = draft_kwargs(named_tree, leader_binh, **changes)
    with pytest.raises((DocumentError, PermissionDenied)) as caught:
        create_draft(**kwargs, acting_user=specialist_dung)
    if isinstance(caught.value, DocumentError):
        assert caught.value.code == code
    assert not OutgoingDocument.objects.exists()


def test_only_drafters_of_the_unit_may_draft(
    named_tree, other_agency_official, citizen_chi, leader_binh
):
    for user in (other_agency_official, citizen_chi):
        with pytest.raises(PermissionDenied):
            create_draft(**draft_kwargs(named_tree, leader_binh), acting_user=user)
    assert not OutgoingDocument.objects.exists()


def upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_version_upload_refusals(named_tree, specialist_dung, leader_binh, other_agency_official):
    draft = make_draft(named_tree, specialist_dung, leader_binh)
    with pytest.raises(UploadRefused) as caught:
        add_version(draft, upload("ban.docx", minimal_pdf(), DOCX), "", specialist_dung)
    assert caught.value.code == "not_docx"
    from docx import Document as New

    plain = io.BytesIO()
    New().save(plain)
    with pytest.raises(UploadRefused) as caught:
        add_version(draft, upload("ban.docx", plain.getvalue(), DOCX), "", specialist_dung)
    assert caught.value.code == "marks_missing"
    v1 = draft.versions.get().docx.read()
    with pytest.raises(PermissionDenied):
        add_version(draft, upload("ban.docx", v1, DOCX), "", other_agency_official)
    approved = make_draft(named_tree, specialist_dung, leader_binh, status="approved")
    with pytest.raises(InvalidTransition):
        add_version(approved, upload("ban.docx", v1, DOCX), "", specialist_dung)
    assert draft.versions.count() == 1 and approved.versions.count() == 1


@needs_soffice
def test_edited_version_gets_its_pdf(named_tree, specialist_dung, leader_binh, tmp_path):
    draft = make_draft(named_tree, specialist_dung, leader_binh)
    edited = Document(io.BytesIO(draft.versions.get().docx.read()))
    edited.add_paragraph("Điều 3. Quyết định này có hiệu lực kể từ ngày ký.")
    out = io.BytesIO()
    edited.save(out)
    version = add_version(
        draft, upload("sua.docx", out.getvalue(), DOCX), "Thêm Điều 3", specialist_dung
    )
    assert version.number == 2
    pdf = tmp_path / "v2.pdf"
    pdf.write_bytes(version.pdf.read())
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Điều 3. Quyết định này có hiệu lực" in text
    assert "[[SO_VB]]" not in text and "[[NGAY_VB]]" not in text  # blank places on a draft
    event = draft.events.get()
    assert (event.type, event.note, event.details["version"]) == (
        EventType.VERSION_ADDED,
        "Thêm Điều 3",
        2,
    )


def test_comments(named_tree, specialist_dung, deputy_cuong, leader_binh, other_agency_official):
    draft = make_draft(named_tree, specialist_dung, leader_binh)
    comment = add_comment(draft, "Bổ sung căn cứ pháp lý", deputy_cuong)
    assert comment.author == deputy_cuong
    assert draft.events.get().type == EventType.COMMENTED
    with pytest.raises(PermissionDenied):
        add_comment(draft, "?", other_agency_official)
    with pytest.raises(DocumentError):
        add_comment(draft, " ", deputy_cuong)
    issued = make_draft(named_tree, specialist_dung, leader_binh, status=OutgoingStatus.ISSUED)
    with pytest.raises(InvalidTransition):
        add_comment(issued, "Muộn", deputy_cuong)
    assert draft.comments.count() == 1
