"""Local accounts: sign in with a one-time code sent by SMS or e-mail."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from chinhquyen.accounts.choices import UserKind
from chinhquyen.accounts.models import User
from chinhquyen.audit.models import AuditEntry
from chinhquyen.citizens.choices import VerifiedBy
from chinhquyen.citizens.models import CitizenProfile, OneTimeCode

pytestmark = pytest.mark.django_db

WRONG_EN = "The code is wrong or has expired. Check it, or ask for a new one."
WRONG_VI = "Mã không đúng hoặc đã hết hạn."


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """``ask(destination, ip=…)`` posts the code request as a browser would."""

    def _ask(destination, ip="203.0.113.7", next_url="/cong-dan/ho-so/"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/cong-dan/dang-nhap/ma/",
                {"destination": destination, "next": next_url},
                REMOTE_ADDR=ip,
            )

    return _ask


def code_in(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def test_sign_in_by_sms_code_creates_a_local_account(client, ask, sms_outbox):
    # Given Lan has no account; When she asks for a code for her phone
    response = ask("0903 111 222")
    # Then she is sent to the code page and the code goes to her phone (development backend)
    assert response.status_code == 302
    assert response["Location"] == "/cong-dan/dang-nhap/nhap-ma/"
    assert [phone for phone, _text in sms_outbox] == ["0903111222"]
    code = code_in(sms_outbox[0][1])
    page = client.get("/cong-dan/dang-nhap/nhap-ma/")
    assert "090*****22" in page.content.decode()
    # and only a salted hash of the code is stored
    row = OneTimeCode.objects.get()
    assert code not in row.code_hash
    assert row.expires_at - row.created_at == datetime.timedelta(minutes=10)
    # When she enters it
    response = client.post("/cong-dan/dang-nhap/nhap-ma/", {"code": code})
    # Then she is signed in to a new citizen account holding that phone
    assert response.status_code == 302
    assert response["Location"] == "/cong-dan/ho-so/"
    profile = CitizenProfile.objects.select_related("user").get()
    assert profile.user.kind == UserKind.CITIZEN
    assert profile.phone == "0903111222"
    assert profile.user.phone == "0903111222"
    assert profile.id_number is None
    assert profile.verified_by == VerifiedBy.PHONE_CODE
    assert int(client.session["_auth_user_id"]) == profile.user.pk
    assert OneTimeCode.objects.get().used_at is not None
    assert AuditEntry.objects.filter(action="citizens.code_sign_in").count() == 1


def test_sign_in_by_e_mail_code(client, ask):
    response = ask("  Lan.Bui@Example.VN ")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lan.bui@example.vn"]
    assert mail.outbox[0].subject == "Mã đăng nhập ChinhQuyen của bạn"
    code = code_in(mail.outbox[0].body)
    client.post("/cong-dan/dang-nhap/nhap-ma/", {"code": code})
    profile = CitizenProfile.objects.get()
    assert profile.email == "lan.bui@example.vn"
    assert profile.verified_by == VerifiedBy.EMAIL_CODE


def test_a_known_address_signs_in_to_its_existing_account(client, ask, sms_outbox):
    # Given Lan signed in once with her phone
    ask("0903111222")
    client.post("/cong-dan/dang-nhap/nhap-ma/", {"code": code_in(sms_outbox[-1][1])})
    client.post("/cong-dan/dang-xuat/")
    # When she signs in again with a new code
    ask("+84903111222")
    client.post("/cong-dan/dang-nhap/nhap-ma/", {"code": code_in(sms_outbox[-1][1])})
    # Then it is the same account
    assert User.objects.count() == 1
    assert int(client.session["_auth_user_id"]) == User.objects.get().pk


def test_the_answer_does_not_tell_whether_an_account_exists(client, ask, citizen_chi):
    from chinhquyen.citizens.services import ensure_profile

    profile = ensure_profile(user=citizen_chi)
    CitizenProfile.objects.filter(pk=profile.pk).update(email="chi@example.vn")
    known = ask("chi@example.vn")
    known_page = client.get("/cong-dan/dang-nhap/nhap-ma/").content.decode()
    unknown = ask("nobody@example.vn")
    unknown_page = client.get("/cong-dan/dang-nhap/nhap-ma/").content.decode()
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert csrf.sub("", known_page.replace("c***@", "n***@")) == csrf.sub("", unknown_page)
    assert len(mail.outbox) == 2


def test_a_wrong_code_is_refused_and_counted(client, ask, sms_outbox):
    ask("0903111222")
    right = code_in(sms_outbox[0][1])
    wrong = "000000" if right != "000000" else "111111"
    response = client.post("/cong-dan/dang-nhap/nhap-ma/", {"code": wrong})
    assert response.status_code == 400
    text = response.content.decode()
    assert WRONG_VI in text and WRONG_EN in text
    assert OneTimeCode.objects.get().attempts == 1
    assert User.objects.count() == 0
    assert "_auth_user_id" not in client.session


def test_after_five_wrong_tries_even_the_right_code_is_refused(client, ask, sms_outbox):
    ask("0903111222")
    right = code_in(sms_outbox[0][1])
    wrong = "000000" if right != "000000" else "111111"
    for _try in range(5):
        client.post("/cong-dan/dang-nhap/nhap-ma/", {"code": wrong})
    response = client.post("/cong-dan/dang-nhap/nhap-ma/", {"code": right})
    assert response.status_code == 400
    assert "Too many wrong tries for this code. Ask for a new one." in response.content.decode()
    assert User.objects.count() == 0
    assert OneTimeCode.objects.get().used_at is None


def test_an_expired_code_is_refused(client, ask, sms_outbox):
    ask("0903111222")
    OneTimeCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.post("/cong-dan/dang-nhap/nhap-ma/", {"code": code_in(sms_outbox[0][1])})
    assert response.status_code == 400
    assert WRONG_EN in response.content.decode()
    assert User.objects.count() == 0


def test_a_code_works_once(client, ask, sms_outbox):
    ask("0903111222")
    code = code_in(sms_outbox[0][1])
    client.post("/cong-dan/dang-nhap/nhap-ma/", {"code": code})
    session = client.session
    session["citizens_code_pending"] = {
        "channel": "phone",
        "destination": "0903111222",
        "next": "/cong-dan/ho-so/",
    }
    session.save()
    response = client.post("/cong-dan/dang-nhap/nhap-ma/", {"code": code})
    assert response.status_code == 400
    assert WRONG_EN in response.content.decode()
    assert OneTimeCode.objects.get().attempts == 0


def test_sends_are_throttled_per_address(client, ask, sms_outbox):
    for ip in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        assert ask("0903111222", ip=ip).status_code == 302
    response = ask("0903111222", ip="203.0.113.4")
    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many codes were requested. Wait 15 minutes and try again." in text
    assert "Đã yêu cầu quá nhiều mã." in text
    assert len(sms_outbox) == 3
    assert OneTimeCode.objects.count() == 3


def test_sends_are_throttled_per_ip(client, ask, sms_outbox, settings):
    settings.CITIZEN_CODE_SENDS_PER_IP = 2
    assert ask("0903000001").status_code == 302
    assert ask("0903000002").status_code == 302
    response = ask("0903000003")
    assert response.status_code == 429
    assert len(sms_outbox) == 2
    assert OneTimeCode.objects.count() == 2
    assert AuditEntry.objects.filter(action="citizens.code_throttled").count() == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12345", "Enter a valid Vietnamese mobile number, e.g. 0912 345 678."),
        ("chi@", "Enter a valid e-mail address."),
    ],
)
def test_a_bad_address_is_refused_next_to_the_field(client, ask, sms_outbox, value, message):
    response = ask(value)
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="id_destination_error"' in text
    assert message in text
    assert OneTimeCode.objects.count() == 0
    assert sms_outbox == [] and mail.outbox == []


def test_the_code_page_without_a_request_goes_back_to_sign_in(client):
    response = client.get("/cong-dan/dang-nhap/nhap-ma/")
    assert response.status_code == 302
    assert response["Location"] == "/cong-dan/dang-nhap/"


def test_old_codes_are_purged(ask, sms_outbox):
    from django.core.management import call_command

    ask("0903111222")
    ask("0903111333")
    OneTimeCode.objects.filter(destination="0903111222").update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    call_command("citizens_purge_codes")
    assert list(OneTimeCode.objects.values_list("destination", flat=True)) == ["0903111333"]
    entry = AuditEntry.objects.get(action="citizens.purge_codes")
    assert entry.details == {"deleted": 1, "older_than_days": 1}
