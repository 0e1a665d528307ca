"""Back-office registry pages: IT administrators of an agency see and register its certificates."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chinhquyen.core.testing import LOGIN, assert_permission_matrix
from chinhquyen.signing.models import Certificate
from chinhquyen.signing.registry import register_certificate
from chinhquyen.signing.tests.conftest import certificate_pem


@pytest.fixture
def two_agencies(org_tree, leader_binh, other_agency_official):
    a = register_certificate(
        data=certificate_pem(common_name="Trần Thị Bình", days_left=12),
        kind="personal",
        official=leader_binh.official,
    )
    b = register_certificate(
        data=certificate_pem(common_name="Sở B", days_left=400),
        kind="organisational",
        organisation=org_tree.dept_b,
    )
    return a, b


def test_list_shows_only_the_admins_agency_with_an_expiring_panel(
    two_agencies, it_admin_tuan, login, django_assert_num_queries
):
    client = login(it_admin_tuan)
    with django_assert_num_queries(14):
        response = client.get(reverse("signing:certificates"))
    assert response.status_code == 200
    assert [c.common_name for c in response.context["page"]] == ["Trần Thị Bình"]
    assert [c.common_name for c in response.context["expiring"]] == ["Trần Thị Bình"]


def test_list_query_count_does_not_grow_with_rows(
    two_agencies, it_admin_province, login, django_assert_num_queries, leader_binh
):
    for days in range(30, 60):
        register_certificate(
            data=certificate_pem(common_name="x", days_left=days),
            kind="sim",
            official=leader_binh.official,
        )
    client = login(it_admin_province)
    with django_assert_num_queries(14):
        response = client.get(reverse("signing:certificates"))
    assert response.context["page"].paginator.count == 32


def test_filters_kind_agency_and_expiring(two_agencies, it_admin_province, login, org_tree):
    client = login(it_admin_province)
    url = reverse("signing:certificates")
    by_kind = client.get(url, {"kind": "organisational"}).context["page"]
    assert [c.common_name for c in by_kind] == ["Sở B"]
    by_agency = client.get(url, {"organisation": org_tree.dept_a.pk}).context["page"]
    assert [c.common_name for c in by_agency] == ["Trần Thị Bình"]
    soon = client.get(url, {"expiring": "on"}).context["page"]
    assert [c.common_name for c in soon] == ["Trần Thị Bình"]


def test_detail_of_another_agency_is_404(two_agencies, it_admin_tuan, login):
    _a, b = two_agencies
    client = login(it_admin_tuan)
    assert client.get(reverse("signing:certificate", args=[b.pk])).status_code == 404
    assert client.get(reverse("signing:certificate", args=[two_agencies[0].pk])).status_code == 200


def test_the_holder_sees_their_own_certificate(two_agencies, leader_binh, login):
    a, b = two_agencies
    client = login(leader_binh)
    assert client.get(reverse("signing:certificate", args=[a.pk])).status_code == 200
    assert client.get(reverse("signing:certificate", args=[b.pk])).status_code == 404


def test_it_admin_registers_a_sim_certificate(it_admin_tuan, leader_binh, login):
    response = login(it_admin_tuan).post(
        reverse("signing:certificate_add"),
        {
            "kind": "sim",
            "official": leader_binh.official.pk,
            "file": SimpleUploadedFile(
                "binh.cer", certificate_pem(common_name="Bình", days_left=9)
            ),
        },
    )
    entry = Certificate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("signing:certificate", args=[entry.pk])
    assert (entry.kind, entry.registered_by) == ("sim", it_admin_tuan)


@pytest.mark.parametrize(
    ("upload", "field", "expected"),
    [
        (b"not a certificate", "file", "not a certificate"),
        (None, "official", "Choose the official"),
    ],
)
def test_bad_upload_is_a_400_next_to_the_field_and_saves_nothing(
    it_admin_tuan, leader_binh, login, upload, field, expected
):
    data = {"kind": "personal", "official": leader_binh.official.pk if upload else ""}
    data["file"] = SimpleUploadedFile(
        "x.cer", upload or certificate_pem(common_name="x", days_left=9)
    )
    response = login(it_admin_tuan).post(
        reverse("signing:certificate_add"), data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    message = " ".join(response.context["form"].errors[field])
    assert expected in message
    assert not Certificate.objects.exists()


def test_a_duplicate_upload_is_refused(it_admin_tuan, leader_binh, login):
    pem = certificate_pem(common_name="x", days_left=99)
    register_certificate(data=pem, kind="personal", official=leader_binh.official)
    response = login(it_admin_tuan).post(
        reverse("signing:certificate_add"),
        {"kind": "sim", "official": leader_binh.official.pk, "file": SimpleUploadedFile("x", pem)},
    )
    assert response.status_code == 400
    assert "already in the registry" in response.context["form"].errors["file"][0]
    assert Certificate.objects.count() == 1


def test_an_admin_cannot_register_for_another_agency(it_admin_tuan, other_agency_official, login):
    response = login(it_admin_tuan).post(
        reverse("signing:certificate_add"),
        {
            "kind": "sim",
            "official": other_agency_official.official.pk,
            "file": SimpleUploadedFile("x", certificate_pem(common_name="x", days_left=9)),
        },
    )
    assert response.status_code == 400
    assert not Certificate.objects.exists()


def test_registry_page_permissions(client, personas, it_admin_tuan):
    assert_permission_matrix(
        client,
        reverse("signing:certificates"),
        {
            "anonymous": LOGIN,
            "officer_an": 403,
            "citizen_chi": 403,
            "admin_giang": 200,
        },
        personas=personas,
    )
    assert_permission_matrix(
        client,
        reverse("signing:certificate_add"),
        {"anonymous": LOGIN, "leader_binh": 403, "admin_giang": 200},
        personas=personas,
    )


def test_a_pkcs12_upload_on_the_page_configures_the_key(
    test_pki, pki_trusted, it_admin_tuan, leader_binh, login
):
    from chinhquyen.signing.models import SigningKey
    from chinhquyen.signing.tests.conftest import P12_PASSPHRASE

    p12 = test_pki.pkcs12("leader-binh", P12_PASSPHRASE.encode())
    response = login(it_admin_tuan).post(
        reverse("signing:certificate_add"),
        {
            "kind": "personal",
            "official": leader_binh.official.pk,
            "file": SimpleUploadedFile("binh.p12", p12),
            "passphrase": P12_PASSPHRASE,
        },
    )
    assert response.status_code == 302
    entry = Certificate.objects.get()
    assert entry.signing_key == SigningKey.objects.get(user=leader_binh)


def test_it_admin_checks_the_status_and_finds_the_revocation(
    test_pki, pki_trusted, it_admin_tuan, leader_binh, other_agency_official, login
):
    chain = test_pki.certificate_pem("leader-revoked") + test_pki.certificate_pem("interm")
    entry = register_certificate(data=chain, kind="personal", official=leader_binh.official)
    url = reverse("signing:certificate_check", args=[entry.pk])

    # neither another agency's official nor the holder (no registry permission) may check it
    assert login(other_agency_official).post(url).status_code == 404
    assert login(leader_binh).post(url).status_code == 404
    entry.refresh_from_db()
    assert entry.status == "valid"

    response = login(it_admin_tuan).post(url)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "revoked"
