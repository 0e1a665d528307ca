"""The verification page: officials upload a PDF and read the report."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chinhquyen.signing.services import sign_pdf


def test_official_uploads_a_signed_pdf_and_reads_the_report(
    binh_key, leader_binh, officer_an, unsigned_pdf, login
):
    signed = sign_pdf(unsigned_pdf, signer=leader_binh, role="personal")
    client = login(officer_an)
    response = client.post(
        reverse("signing:verify"),
        {"file": SimpleUploadedFile("a.pdf", signed, content_type="application/pdf")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["report"].all_valid
    assert "Trần Thị Bình" in response.content.decode()


def test_not_a_pdf_gives_400_with_the_message(officer_an, login):
    client = login(officer_an)
    response = client.post(
        reverse("signing:verify"), {"file": SimpleUploadedFile("a.pdf", b"hello")}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"]


def test_page_permissions(client, personas):
    from chinhquyen.core.testing import LOGIN, assert_permission_matrix

    assert_permission_matrix(
        client,
        reverse("signing:verify"),
        {"anonymous": LOGIN, "officer_an": 200, "citizen_chi": 403, "admin_giang": 200},
        personas=personas,
    )
