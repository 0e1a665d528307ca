"""In Vietnamese (the site default) a bad-input message leads in Vietnamese and keeps English."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from chinhquyen.directory.importing import import_directory
from chinhquyen.directory.services import create_organisation


def test_a_duplicate_code_message_reads_in_vietnamese_then_english(db):
    create_organisation(name="Sở Tư pháp", kind="department", qcvn_code="000.00.03.H99")

    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        create_organisation(name="Sở Trùng", kind="department", qcvn_code="000.00.03.H99")

    with translation.override("vi"):
        message = caught.value.message_dict["qcvn_code"][0]
    assert message == (
        "Mã 000.00.03.H99 đã được cấp cho “Sở Tư pháp”, không được dùng lại (the code "
        "000.00.03.H99 is already held by “Sở Tư pháp”; codes are never reused)."
    )


def test_an_encoding_error_reads_in_vietnamese_then_english(db):
    with translation.override("vi"):
        report = import_directory("Mã,Tên\n".encode("cp1252"), dry_run=True, filename="a.csv")

    assert report.errors[0].message.startswith("Tệp CSV không dùng bảng mã UTF-8")
    assert report.errors[0].message.endswith("(the CSV file is not UTF-8 encoded).")
