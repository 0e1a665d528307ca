"""Counter intake in the back office, end to end, as the one-stop officer officer_an."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from chinhquyen.dossiers.models import DailySequence, Dossier, DossierAttachment
from chinhquyen.dossiers.services.common import files_removed_on_error, save_file
from chinhquyen.dossiers.tests.conftest import PDF, pdf


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def commune(coded_orgs):
    """Department A sits in province 99; ward "Phường Minh Xuân" is one of its communes."""
    from chinhquyen.directory.models import AdministrativeUnit, Organisation

    province = AdministrativeUnit.objects.create(
        code="99", name="Tỉnh Thử Nghiệm", division_type="Tỉnh", level="province"
    )
    ward = AdministrativeUnit.objects.create(
        code="99001",
        name="Phường Minh Xuân",
        division_type="Phường",
        level="commune",
        parent=province,
    )
    Organisation.objects.filter(pk=coded_orgs.dept_a.pk).update(administrative_unit=province)
    return ward


def files_in(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def intake_url(catalogue, coded_orgs) -> str:
    return f"/dossiers/receive/?procedure={catalogue.procedure.pk}&agency={coded_orgs.dept_a.pk}"


@pytest.mark.django_db
def test_officer_receives_a_postal_dossier_and_lands_on_its_page(
    client, login, officer_an, catalogue, coded_orgs, commune, media
):
    # Given officer_an at the counter of department A, with the procedure chosen
    login(officer_an)
    page = client.get(intake_url(catalogue, coded_orgs))
    assert page.status_code == 200
    html = page.content.decode()
    for component in (catalogue.application_form, catalogue.id_copy, catalogue.optional_doc):
        assert f'name="component_{component.pk}"' in html
    assert "Phường Minh Xuân" in html
    # When the dossier that came by post is entered with its two required components
    response = client.post(
        intake_url(catalogue, coded_orgs),
        {
            "procedure": catalogue.procedure.pk,
            "agency": coded_orgs.dept_a.pk,
            "channel": "post",
            "applicant_kind": "individual",
            "applicant_name": "Ngô Thị Chi",
            "applicant_id_number": "037190000123",
            "applicant_phone": "0912 345 678",
            "applicant_address": "12 Trần Phú",
            "applicant_unit": commune.pk,
            f"component_{catalogue.application_form.pk}": pdf("don.pdf"),
            f"component_{catalogue.id_copy.pk}": pdf("cccd.pdf"),
        },
    )
    # Then it is received and the officer lands on the dossier page
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response.url == f"/dossiers/{dossier.pk}/"
    assert (dossier.channel, dossier.applicant_unit, dossier.applicant_phone) == (
        "post",
        commune,
        "0912345678",
    )
    assert sorted(a.original_name for a in dossier.attachments.all()) == ["cccd.pdf", "don.pdf"]
    assert client.get(response.url).status_code == 200


@pytest.mark.django_db
def test_bad_intake_is_shown_bilingually_and_saves_nothing(
    client, login, officer_an, catalogue, coded_orgs, media
):
    # Given officer_an, when the form is sent without a name, with a bad phone and an .exe
    login(officer_an)
    exe = SimpleUploadedFile("don.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    response = client.post(
        intake_url(catalogue, coded_orgs),
        {
            "procedure": catalogue.procedure.pk,
            "agency": coded_orgs.dept_a.pk,
            "channel": "counter",
            "applicant_kind": "individual",
            "applicant_name": "",
            "applicant_phone": "abc",
            f"component_{catalogue.application_form.pk}": exe,
        },
    )
    # Then the form comes back with a 400 and both languages next to the field
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html
    assert "Trường này là bắt buộc." in html
    assert Dossier.objects.count() == 0


@pytest.mark.django_db
def test_refusals_of_the_service_are_put_next_to_their_field(
    client, login, officer_an, catalogue, coded_orgs, media
):
    login(officer_an)
    exe = SimpleUploadedFile("anh.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    response = client.post(
        intake_url(catalogue, coded_orgs),
        {
            "procedure": catalogue.procedure.pk,
            "agency": coded_orgs.dept_a.pk,
            "channel": "counter",
            "applicant_kind": "individual",
            "applicant_name": "Ngô Thị Chi",
            "applicant_phone": "0912345678",
            f"component_{catalogue.application_form.pk}": pdf(),
            f"component_{catalogue.id_copy.pk}": exe,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "“anh.pdf”" in html and "not an allowed type" in html and "không" in html
    assert (Dossier.objects.count(), DossierAttachment.objects.count()) == (0, 0)
    assert DailySequence.objects.filter(last_number__gt=0).count() == 0
    assert files_in(media) == []


@pytest.mark.django_db
def test_missing_components_are_listed(client, login, officer_an, catalogue, coded_orgs, media):
    login(officer_an)
    response = client.post(
        intake_url(catalogue, coded_orgs),
        {
            "procedure": catalogue.procedure.pk,
            "agency": coded_orgs.dept_a.pk,
            "channel": "counter",
            "applicant_kind": "individual",
            "applicant_name": "Ngô Thị Chi",
            "applicant_phone": "0912345678",
            f"component_{catalogue.application_form.pk}": pdf(),
        },
    )
    assert response.status_code == 400
    assert "Bản sao CCCD" in response.content.decode()
    assert Dossier.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_files_saved_in_a_failed_transaction_are_deleted(media):
    from chinhquyen.dossiers.models import Dossier as Model

    holder = Model(code="x")
    with pytest.raises(RuntimeError), files_removed_on_error() as saved, transaction.atomic():
        save_file(holder.result_file, "ketqua.pdf", PDF, saved)
        assert len(files_in(media)) == 1
        raise RuntimeError("rolled back")
    assert files_in(media) == []


@pytest.mark.django_db
def test_a_specialist_cannot_open_the_counter(client, login, specialist_dung, catalogue):
    login(specialist_dung)
    assert client.get("/dossiers/receive/").status_code == 403
