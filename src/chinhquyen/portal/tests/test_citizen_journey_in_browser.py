"""Issue 4's walk, end to end, in Debian's Chromium (Playwright) on a 320 px wide phone.

A citizen finds a procedure in the catalogue with words typed without diacritics, opens it,
signs in through the national single sign-on (the real development OIDC provider), applies
online with uploads, pays the fee in the sandbox gateway (a real HTTP server notifying the live
site), the agency processes the dossier (through the dossier services, as the back office
does) and returns the result; the citizen then sees "returned" on her dossier page and rates
the service. Every step asserts what the citizen sees, and what was stored.

Only real servers on loopback: the live Django server, the OIDC provider (Node) and the
payment sandbox. Waits are on URLs and selectors with generous timeouts (a loaded 2-core
machine), never fixed sleeps.
"""

import pytest

from chinhquyen.citizens.models import CitizenProfile
from chinhquyen.citizens.tests.fixtures import live_sso, sign_in_on_provider  # noqa: F401
from chinhquyen.dossiers.choices import Channel, DossierStatus, EventType
from chinhquyen.dossiers.models import Dossier, Evaluation
from chinhquyen.dossiers.services import transition
from chinhquyen.dossiers.tests.conftest import PDF, pdf
from chinhquyen.eforms.models import Submission
from chinhquyen.eforms.tests.conftest import media, online  # noqa: F401 (fixtures)
from chinhquyen.payments.choices import OrderStatus
from chinhquyen.payments.models import PaymentOrder
from chinhquyen.payments.tests.conftest import (  # noqa: F401 (fixtures)
    MERCHANT,
    gateway_settings,
    migration_seeds,
    sandbox,
)
from chinhquyen.procedures.search import index_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 30_000  # generous: eight engineers share two cores


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 320


def process_to_result_ready(dossier, *, officer_an, specialist_dung, specialist_minh, leader_binh):
    """What the agency does in the back office, through the same services its pages call."""
    transition(dossier, "forward", acting_user=officer_an)
    transition(dossier, "transfer", acting_user=specialist_dung)
    transition(dossier, "forward", acting_user=specialist_minh)
    transition(dossier, "approve", acting_user=leader_binh, result_file=pdf("giay-phep.pdf", PDF))


def test_search_sign_in_apply_pay_processed_returned_and_rated(  # noqa: PLR0915
    migration_seeds,  # noqa: F811
    chromium,
    live_server,
    live_sso,  # noqa: F811
    sandbox,  # noqa: F811
    online,  # noqa: F811
    officer_an,
    specialist_dung,
    specialist_minh,
    leader_binh,
):
    # Given the building-permit procedure is in the catalogue, full online with a form and a fee
    index_version(online.version)
    context = chromium.new_context(viewport={"width": 320, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    base = live_server.url
    try:
        # When Chi searches the catalogue with words typed without diacritics
        page.goto(f"{base}/thu-tuc/")
        page.locator("input[name=q]").fill("cap giay phep xay dung")
        page.get_by_role("button", name="Tìm kiếm").click()
        page.wait_for_url(f"{base}/thu-tuc/?q=cap+giay+phep+xay+dung*")
        # Then the procedure is found
        results = page.locator(".result-title a")
        assert results.all_inner_texts() == ["Cấp giấy phép xây dựng nhà ở riêng lẻ"]
        assert fits(page)

        # When she opens it: the procedure page offers to apply online
        results.first.click()
        page.wait_for_url(f"{base}/thu-tuc/1.009972/")
        assert page.get_by_role("heading", level=1).inner_text() == (
            "Cấp giấy phép xây dựng nhà ở riêng lẻ"
        )
        apply = page.locator(".apply-online").get_by_role("link", name="Nộp hồ sơ trực tuyến")
        apply.click()
        page.wait_for_url(f"{base}/nop-ho-so/1.009972/")

        # and starts, she is asked to sign in; she uses the national digital identity
        page.get_by_role("button", name="Đăng nhập và bắt đầu nộp hồ sơ").click()
        page.wait_for_url(f"{base}/cong-dan/dang-nhap/*")
        assert fits(page)
        page.get_by_role("link", name="Đăng nhập bằng định danh điện tử quốc gia").click()
        sign_in_on_provider(page, "001090012345", "matkhau-dev")
        # Then she is back on the procedure, signed in (her name in the header)
        page.wait_for_url(f"{base}/nop-ho-so/1.009972/")
        assert page.locator(".account-name").inner_text() == "Ngô Thị Chi"
        citizen = CitizenProfile.objects.get(id_number="001090012345").user

        # When she starts the application: the form is pre-filled from the national identity
        page.get_by_role("button", name="Bắt đầu nộp hồ sơ").click()
        page.wait_for_url(f"{base}/nop-ho-so/ho-so-nhap/*/")
        assert page.get_by_label("Họ và tên").input_value() == "Ngô Thị Chi"
        assert page.get_by_label("Số điện thoại").input_value() == "0912345678"
        page.get_by_label("Số bản").fill("2")
        page.get_by_label("Xin việc").check()
        page.get_by_label("Tôi cam đoan").check()
        page.get_by_role("button", name="Tiếp tục").click()
        # and attaches the documents
        page.wait_for_url(f"{base}/nop-ho-so/ho-so-nhap/*/tep/")
        page.get_by_label("Đơn đề nghị").set_input_files(
            {"name": "don.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        page.get_by_label("Bản sao CCCD").set_input_files(
            {"name": "cccd.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        page.get_by_role("button", name="Tải lên và tiếp tục").click()
        page.wait_for_url(f"{base}/nop-ho-so/ho-so-nhap/*/xem-lai/")
        assert page.get_by_text("cccd.pdf").count() == 1
        page.get_by_role("button", name="Nộp hồ sơ").click()
        # Then she gets the dossier code
        page.wait_for_url(f"{base}/nop-ho-so/da-nop/*/")
        dossier = Dossier.objects.get()
        assert page.locator(".eform-code").inner_text() == dossier.code
        assert (dossier.channel, dossier.applicant_user) == (Channel.ONLINE, citizen)
        assert dossier.attachments.count() == 2
        assert Submission.objects.get(dossier=dossier).citizen == citizen

        # When she opens her dossier from "My dossiers"
        page.get_by_role("link", name="Hồ sơ của tôi").first.click()
        page.wait_for_url(f"{base}/tra-cuu/ho-so-cua-toi/")
        page.get_by_role("link", name="Cấp giấy phép xây dựng nhà ở riêng lẻ").click()
        page.wait_for_url(f"{base}/tra-cuu/ho-so-cua-toi/{dossier.pk}/")
        # Then the fee is unpaid, and her online answers are there
        fees = page.locator("#fees-heading + ul").inner_text()
        assert fees.startswith("Lệ phí cấp phép: 75") and fees.endswith("— chưa nộp"), fees
        assert page.get_by_role("heading", name="Biểu mẫu trực tuyến của ông/bà").count() == 1
        assert fits(page)

        # When she pays online in the sandbox gateway
        page.get_by_role("link", name="Thanh toán trực tuyến").click()
        page.wait_for_url(f"{base}/thanh-toan/ho-so/{dossier.code}/")
        page.get_by_role("button", name="Thanh toán trực tuyến").click()
        page.wait_for_url(sandbox.payment_url + "*")
        page.get_by_role("button", name="Thanh toán / Pay").click()
        page.wait_for_url(f"{base}/thanh-toan/ket-qua/*")
        # Then the payment is confirmed (the gateway notified the site server to server)
        assert page.locator("#payment-status").inner_text() == "Đã thanh toán"
        order = PaymentOrder.objects.get()
        assert (order.status, order.amount) == (OrderStatus.PAID, 75000)
        assert list(dossier.payments.values_list("receipt_number", "method")) == [
            (order.reference, "online")
        ]

        # When the agency processes the dossier to its result and returns it
        process_to_result_ready(
            dossier,
            officer_an=officer_an,
            specialist_dung=specialist_dung,
            specialist_minh=specialist_minh,
            leader_binh=leader_binh,
        )
        dossier.refresh_from_db()
        assert dossier.status == DossierStatus.RESULT_READY
        transition(dossier, "return_result", acting_user=officer_an, return_method="counter")

        # Then her dossier page says "returned", links the e-receipt and invites a rating
        page.goto(f"{base}/tra-cuu/ho-so-cua-toi/{dossier.pk}/")
        status = page.locator(".tracking-facts dd strong").first
        assert status.inner_text() == "Đã trả kết quả (Điều 20)"
        assert page.get_by_role("link", name="Thanh toán trực tuyến").count() == 0
        receipt = page.get_by_role("link", name=f"Biên lai điện tử {order.reference}")
        assert receipt.get_attribute("href") == f"/thanh-toan/bien-lai/{order.reference}/"
        assert fits(page)

        # When she rates the service
        form = page.locator("form[action$='/danh-gia/']")
        form.locator("select[name=time_rating]").select_option("2")
        form.locator("input[name=agencies_contacted]").fill("1")
        form.locator("input[name=contacts_needed]").fill("1")
        form.locator("select[name=procedure_accuracy]").select_option("2")
        form.locator("select[name=attitude]").select_option("2")
        form.locator("select[name=lawfulness]").select_option("2")
        form.get_by_role("button", name="Gửi đánh giá").click()
        # Then she is thanked and the rating is recorded once, online
        page.get_by_text("Xin cảm ơn: đánh giá của ông/bà đã được ghi nhận.").wait_for()
        assert page.get_by_role("heading", name="Đánh giá của ông/bà").count() == 1
        assert page.locator("form[action$='/danh-gia/']").count() == 0
    finally:
        context.close()
    evaluation = Evaluation.objects.get(dossier=dossier)
    assert (evaluation.channel, evaluation.attitude) == ("online", 2)
    # (the hand-over event depends on the time of day the test runs: not compared)
    events = dossier.events.exclude(type=EventType.HANDED_OVER).order_by("id")
    assert list(events.values_list("type", flat=True)) == [
        EventType.RECEIVED,
        EventType.PAYMENT_RECORDED,
        EventType.FORWARDED,
        EventType.TRANSFERRED,
        EventType.FORWARDED,
        EventType.APPROVED,
        EventType.RESULT_RETURNED,
        EventType.EVALUATED,
    ]
