"""Officials read their signing notices (expiry warnings) and mark them read."""

from django.urls import reverse

from chinhquyen.signing.expiry import send_expiry_warnings
from chinhquyen.signing.models import SigningNotification
from chinhquyen.signing.registry import register_certificate
from chinhquyen.signing.tests.conftest import certificate_pem


def test_the_holder_reads_and_marks_the_notice(leader_binh, officer_an, login):
    register_certificate(
        data=certificate_pem(common_name="Trần Thị Bình", days_left=7),
        kind="personal",
        official=leader_binh.official,
    )
    send_expiry_warnings()
    client = login(leader_binh)

    page = client.get(reverse("signing:notifications"))
    assert [n.recipient for n in page.context["notices"]] == [leader_binh]
    assert client.post(reverse("signing:notifications")).status_code == 302
    assert SigningNotification.objects.get().read_at is not None

    # another official sees none of it
    other = login(officer_an).get(reverse("signing:notifications"))
    assert list(other.context["notices"]) == []
