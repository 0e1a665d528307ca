"""The leader signs the result PDFs of many dossiers in one action (issue 6 §1)."""

# The signing fixtures are imported from the signing tests' conftest and then requested.
# ruff: noqa: F811

import pytest

from chinhquyen.audit.models import AuditEntry
from chinhquyen.dossiers.services import transition
from chinhquyen.dossiers.services.results import results_awaiting_signature, sign_results
from chinhquyen.dossiers.tests.conftest import PDF, at, pdf
from chinhquyen.signing.services import verify_pdf
from chinhquyen.signing.testing import minimal_pdf
from chinhquyen.signing.tests.conftest import (  # noqa: F401 (fixtures)
    SOFTHSM_PIN,
    binh_key,
    binh_token_key,
    pki_trusted,
    softhsm_token,
    test_pki,
)

URL = "/dossiers/results/to-sign/"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def approve(receive, media, officer_an, specialist_dung, specialist_minh, leader_binh):
    """``approve(content)``: a dossier walked to the leader's approval with that result file."""

    def _approve(content: bytes, name: str = "giay-phep.pdf"):
        dossier = receive()
        transition(dossier, "forward", acting_user=officer_an, at=at(2026, 2, 5, 10, 0))
        transition(dossier, "transfer", acting_user=specialist_dung, at=at(2026, 2, 5, 11, 0))
        transition(dossier, "forward", acting_user=specialist_minh, at=at(2026, 2, 5, 14, 0))
        transition(
            dossier,
            "approve",
            acting_user=leader_binh,
            result_file=pdf(name, content),
            at=at(2026, 2, 6, 9),
        )
        dossier.refresh_from_db()
        return dossier

    return _approve


def snapshot(dossier):
    dossier.refresh_from_db()
    with dossier.result_file.open("rb") as handle:
        content = handle.read()
    return (dossier.result_file.name, content, dossier.result_signed_at, dossier.version)


@pytest.mark.django_db
def test_leader_signs_ticked_results_and_a_broken_one_is_reported(
    client, login, approve, binh_key, leader_binh
):
    # given two results that are real PDFs and one that is a damaged PDF
    first = approve(minimal_pdf(text="Giay phep 1"))
    second = approve(minimal_pdf(text="Giay phep 2"))
    broken = approve(PDF, name="hong.pdf")
    before_broken = snapshot(broken)
    originals = {d.pk: snapshot(d)[1] for d in (first, second)}

    # when the leader opens the list: each awaits her signature, with a checkbox (no JS)
    login(leader_binh)
    page = client.get(URL).content.decode()
    for dossier in (first, second, broken):
        assert f'<input type="checkbox" name="dossier" value="{dossier.pk}"' in page
    assert "3 kết quả đang chờ bạn ký" in page

    # and signs the three in one action
    response = client.post(URL, {"dossier": [first.pk, second.pk, broken.pk]}, follow=True)

    # then the two PDFs are signed by her (incremental: the original bytes are kept) ...
    assert response.status_code == 200
    for dossier in (first, second):
        name, content, signed_at, version = snapshot(dossier)
        assert signed_at is not None and dossier.result_signed_by == leader_binh
        assert content.startswith(originals[dossier.pk])
        report = verify_pdf(content)
        assert report.all_valid and [s.signer for s in report.signatures] == ["Trần Thị Bình"]
        assert name.endswith("-da-ky.pdf")
    # ... the damaged one is untouched and named with its reason
    assert snapshot(broken) == before_broken
    messages = [str(m) for m in response.context["messages"]]
    assert any(m.startswith(f"{broken.code}: ") and "PDF" in m for m in messages), messages
    # ... each signature audited, and the batch once
    assert AuditEntry.objects.filter(action="signing.sign_pdf").count() == 2
    assert AuditEntry.objects.filter(action="dossiers.sign_result").count() == 2
    batch = AuditEntry.objects.get(action="signing.sign_batch")
    assert (batch.details["signed"], batch.details["failed"]) == (2, [broken.code])
    # and only the damaged one still awaits signature
    assert list(results_awaiting_signature(leader_binh)) == [broken]


@pytest.mark.django_db
def test_an_officer_without_the_decide_permission_gets_403(
    client, login, approve, binh_key, officer_an
):
    dossier = approve(minimal_pdf())
    before = snapshot(dossier)
    login(officer_an)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"dossier": [dossier.pk]}).status_code == 403
    assert snapshot(dossier) == before
    assert not AuditEntry.objects.filter(action="signing.sign_pdf").exists()


@pytest.mark.django_db
def test_a_result_already_signed_answers_409(client, login, approve, binh_key, leader_binh):
    # given a result the leader already signed
    dossier = approve(minimal_pdf())
    sign_results([dossier.pk], acting_user=leader_binh)
    before = snapshot(dossier)

    # when the same form is posted again (another tab)
    login(leader_binh)
    response = client.post(URL, {"dossier": [dossier.pk]})

    # then 409, nothing signed twice
    assert response.status_code == 409
    assert "does not await signature" in response.content.decode()
    assert snapshot(dossier) == before
    assert AuditEntry.objects.filter(action="signing.sign_pdf").count() == 1


@pytest.mark.django_db
def test_a_leader_without_a_key_gets_a_clear_400_and_nothing_changes(
    client, login, approve, pki_trusted, leader_binh
):
    dossier = approve(minimal_pdf())
    before = snapshot(dossier)
    login(leader_binh)
    response = client.post(URL, {"dossier": [dossier.pk]})
    assert response.status_code == 400
    assert "has no signing key for personal signatures" in response.content.decode()
    assert snapshot(dossier) == before


@pytest.mark.django_db
def test_nothing_ticked_is_a_400(client, login, binh_key, leader_binh):
    login(leader_binh)
    response = client.post(URL, {"dossier": ["x"]})
    assert response.status_code == 400
    assert "Tick at least one result" in response.content.decode()


@pytest.mark.django_db
def test_a_large_batch_is_signed_by_the_background_task(
    client, login, approve, binh_key, leader_binh, settings
):
    # given an immediate task backend and a batch larger than the inline limit
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.SIGNING_BATCH_INLINE_MAX = 1
    dossiers = [approve(minimal_pdf(text=f"Giay phep {n}")) for n in (1, 2)]

    # when the leader signs both
    login(leader_binh)
    response = client.post(URL, {"dossier": [d.pk for d in dossiers]})

    # then the task signed them, with her as the actor of every audit entry
    assert response.status_code == 302
    assert all(snapshot(d)[2] is not None for d in dossiers)
    entries = AuditEntry.objects.filter(action="signing.sign_pdf")
    assert [e.actor for e in entries] == [leader_binh, leader_binh]


@pytest.mark.django_db
def test_the_list_reads_a_bounded_number_of_queries(client, login, approve, binh_key, leader_binh):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(leader_binh)
    approve(minimal_pdf(text="1"))
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    approve(minimal_pdf(text="2"))
    approve(minimal_pdf(text="3"))
    with CaptureQueriesContext(connection) as three:
        page = client.get(URL).content.decode()
    assert page.count('type="checkbox" name="dossier"') == 3
    assert len(three.captured_queries) == len(one.captured_queries)


@pytest.mark.django_db
def test_a_token_holder_gives_her_pin_once_for_the_batch(
    client, login, approve, binh_token_key, leader_binh
):
    # given two results and Bình's key on a PKCS#11 token
    dossiers = [approve(minimal_pdf(text=f"Giay phep {n}")) for n in (1, 2)]
    before = [snapshot(d) for d in dossiers]
    login(leader_binh)
    assert 'name="pin"' in client.get(URL).content.decode()

    # when she gives a wrong PIN, nothing is signed (400, the reason shown)
    ids = [d.pk for d in dossiers]
    wrong = client.post(URL, {"dossier": ids, "pin": "000000"})
    assert wrong.status_code == 400
    assert "Wrong PIN" in wrong.content.decode()
    assert [snapshot(d) for d in dossiers] == before

    # and with her PIN, once, both are signed with the token's key
    assert client.post(URL, {"dossier": ids, "pin": SOFTHSM_PIN}).status_code == 302
    for dossier in dossiers:
        content = snapshot(dossier)[1]
        assert verify_pdf(content).all_valid
    entries = AuditEntry.objects.filter(action="signing.sign_pdf")
    assert [e.details["storage"] for e in entries] == ["pkcs11", "pkcs11"]


@pytest.mark.django_db
def test_a_token_holder_signs_at_most_one_page_of_results_per_request(
    client, login, approve, binh_token_key, leader_binh
):
    # A token's PIN is never queued, so the whole batch would be signed inside the request.
    dossier = approve(minimal_pdf())
    before = snapshot(dossier)
    login(leader_binh)

    response = client.post(URL, {"dossier": [dossier.pk] * 51, "pin": "1234"})

    assert response.status_code == 400
    assert "Sign at most 50 results at a time with a token." in response.content.decode()
    assert snapshot(dossier) == before
