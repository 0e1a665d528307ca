"""Verification reports stored with the document, shown on the verify page and dossier page."""
# ruff: noqa: F811 (fixtures imported from the dossier tests)

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chinhquyen.dossiers.tests.conftest import catalogue, coded_orgs, receive  # noqa: F401
from chinhquyen.signing.errors import NotAPdfError
from chinhquyen.signing.models import VerificationReport
from chinhquyen.signing.reports import reports_for, stored_summary, verify_and_store
from chinhquyen.signing.services import sign_pdf


def test_verify_and_store_keeps_the_report_with_its_subject(
    binh_key, leader_binh, officer_an, unsigned_pdf, org_tree
):
    signed = sign_pdf(unsigned_pdf, signer=leader_binh, role="personal")

    stored = verify_and_store(
        signed, subject=org_tree.dept_a, acting_user=officer_an, file_name="qd.pdf"
    )

    assert list(reports_for(org_tree.dept_a)) == [stored]
    assert (stored.all_valid, stored.signature_count, stored.verified_by) == (True, 1, officer_an)
    assert stored.signatures[0]["signer"] == "Trần Thị Bình"
    assert "Result: every signature is valid." in stored_summary(stored, "en")


def test_a_file_that_is_not_a_pdf_stores_nothing(org_tree):
    with pytest.raises(NotAPdfError):
        verify_and_store(b"hello", subject=org_tree.dept_a)
    assert not VerificationReport.objects.exists()


def test_the_verify_page_stores_the_report_and_lists_earlier_ones(
    binh_key, leader_binh, officer_an, unsigned_pdf, login
):
    signed = sign_pdf(unsigned_pdf, signer=leader_binh, role="personal")
    client = login(officer_an)
    for _ in range(2):
        response = client.post(
            reverse("signing:verify"),
            {"file": SimpleUploadedFile("qd-12.pdf", signed, content_type="application/pdf")},
        )
    assert response.status_code == 200
    assert [r.file_name for r in response.context["history"]] == ["qd-12.pdf", "qd-12.pdf"]
    assert VerificationReport.objects.filter(verified_by=officer_an).count() == 2


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def test_dossier_page_verifies_a_pdf_attachment_and_shows_the_report(
    binh_key,
    leader_binh,
    officer_an,
    unsigned_pdf,
    receive,
    catalogue,
    login,
    media,
):
    # given a dossier whose application form is a signed PDF
    from chinhquyen.dossiers.tests.conftest import pdf

    signed = sign_pdf(unsigned_pdf, signer=leader_binh, role="personal")
    dossier = receive(
        components=[
            (catalogue.application_form, pdf("don-ky-so.pdf", signed)),
            (catalogue.id_copy, pdf("cccd.pdf", unsigned_pdf)),
        ]
    )
    attachment = dossier.attachments.get(original_name="don-ky-so.pdf")
    client = login(officer_an)

    # when the officer verifies it from the dossier page
    response = client.post(reverse("signing:verify_dossier_file", args=[dossier.pk, attachment.pk]))

    # then the report is stored with the attachment and shown on the dossier page
    assert response.status_code == 302
    stored = reports_for(attachment).get()
    assert (stored.all_valid, stored.file_name) == (True, "don-ky-so.pdf")
    page = client.get(reverse("dossiers:detail", args=[dossier.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert 'id="signature-reports"' in html
    assert "Trần Thị Bình" in html


def test_another_agency_cannot_verify_a_dossier_file(
    binh_key,
    other_agency_official,
    receive,
    login,
    media,
):
    dossier = receive()
    attachment = dossier.attachments.first()
    response = login(other_agency_official).post(
        reverse("signing:verify_dossier_file", args=[dossier.pk, attachment.pk])
    )
    assert response.status_code == 404
    assert not VerificationReport.objects.exists()


def test_a_damaged_pdf_attachment_gives_a_400_and_stores_nothing(
    binh_key, officer_an, receive, login, media
):
    # given a dossier whose "PDF" attachments are not readable PDF documents
    dossier = receive()
    attachment = dossier.attachments.first()

    response = login(officer_an).post(
        reverse("signing:verify_dossier_file", args=[dossier.pk, attachment.pk])
    )

    assert response.status_code == 400
    assert "PDF" in response.context["message"]
    assert not VerificationReport.objects.exists()


def test_the_result_file_is_verified_with_the_dossier_as_subject(
    binh_key, leader_binh, officer_an, unsigned_pdf, receive, login, media
):
    from django.core.files.base import ContentFile

    from chinhquyen.dossiers.models import Dossier

    dossier = receive()
    signed = sign_pdf(unsigned_pdf, signer=leader_binh, role="personal")
    dossier.result_file.save("ket-qua.pdf", ContentFile(signed), save=False)
    Dossier.objects.filter(pk=dossier.pk).update(result_file=dossier.result_file.name)

    response = login(officer_an).post(
        reverse("signing:verify_dossier_file", args=[dossier.pk, "result"])
    )

    assert response.status_code == 302
    stored = reports_for(dossier).get()
    assert (stored.all_valid, stored.file_name) == (True, "ket-qua.pdf")
