"""Signing a result is on the dossier's timeline and on its back-office page: "result signed by
… at …"."""

# The signing fixtures are imported from the signing tests' conftest and then requested.
# ruff: noqa: F811

import pytest
from django.utils import timezone

from chinhquyen.dossiers.choices import EventType
from chinhquyen.dossiers.services.results import sign_results
from chinhquyen.dossiers.tests.test_result_signing import approve, media  # noqa: F401
from chinhquyen.signing.testing import minimal_pdf
from chinhquyen.signing.tests.conftest import (  # noqa: F401 (fixtures)
    binh_key,
    pki_trusted,
    test_pki,
)


@pytest.mark.django_db
def test_a_signed_result_adds_a_timeline_event_and_shows_who_signed(
    client, login, approve, binh_key, leader_binh
):
    # given a result awaiting the leader's signature
    dossier = approve(minimal_pdf(text="Giay phep"))
    assert not dossier.events.filter(type=EventType.RESULT_SIGNED).exists()
    login(leader_binh)
    page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert "kết quả đã được" not in page

    # when she signs it
    outcome = sign_results([dossier.pk], acting_user=leader_binh)

    # then the timeline has one "result signed" event by her, at the signing time
    assert outcome.signed == [dossier.code]
    dossier.refresh_from_db()
    event = dossier.events.get(type=EventType.RESULT_SIGNED)
    assert (event.actor, event.at) == (leader_binh, dossier.result_signed_at)
    assert event.data == {"file": dossier.result_file.name}
    # and the dossier page says who signed and when
    page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    at = timezone.localtime(dossier.result_signed_at).strftime("%H:%M %d/%m/%Y")
    assert f"(kết quả đã được {leader_binh.full_name} ký số lúc {at})" in page
    assert "<strong>Đã ký số kết quả</strong>" in page
