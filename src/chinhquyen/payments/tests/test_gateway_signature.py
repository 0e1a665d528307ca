"""The VNPAY-style signature: sorted parameters, URL-encoded, HMAC-SHA512 with the secret."""

import datetime as dt
import hashlib
import hmac
from urllib.parse import parse_qsl, urlsplit

from chinhquyen.payments.gateways import Outcome, PaymentRequest, VnpayGateway, vnpay

SECRET = "s3cret"  # noqa: S105 (test value)
GMT7 = dt.timezone(dt.timedelta(hours=7))


def gateway() -> VnpayGateway:
    return VnpayGateway(url="https://pay.example/vpcpay.html", merchant_code="M1", secret=SECRET)


def test_the_hash_covers_the_vnp_fields_sorted_by_name_and_form_encoded():
    # given parameters out of order, with a space, a Vietnamese letter, an empty value and
    # the hash fields themselves
    params = {
        "vnp_TxnRef": "CQ1",
        "vnp_Amount": "12500000",
        "vnp_OrderInfo": "Thanh toan lệ phí",
        "vnp_BankTranNo": "",
        "vnp_SecureHashType": "HmacSHA512",
        "vnp_SecureHash": "ignored",
        "other": "not signed",
    }

    # when
    digest = vnpay.secure_hash(params, SECRET)

    # then it is HMAC-SHA512 over exactly this string
    expected_text = (
        "vnp_Amount=12500000&vnp_OrderInfo=Thanh+toan+l%E1%BB%87+ph%C3%AD&vnp_TxnRef=CQ1"
    )
    assert vnpay.canonical_query(params) == expected_text
    assert digest == hmac.new(b"s3cret", expected_text.encode(), hashlib.sha512).hexdigest()
    assert len(digest) == 128


def test_the_redirect_carries_a_hash_the_gateway_can_check_and_any_change_breaks_it():
    # given a payment request of 125 000 đ
    created = dt.datetime(2026, 2, 5, 9, 30, tzinfo=GMT7)
    request = PaymentRequest(
        reference="CQ260205093000ABCDEF12",
        amount=125000,
        description="Thanh toan phi ho so X",
        return_url="http://testserver/thanh-toan/ket-qua/",
        client_ip="10.0.0.5",
        language="vi",
        created_at=created,
        expires_at=created + dt.timedelta(minutes=15),
    )

    # when
    url = gateway().redirect_url(request)
    params = dict(parse_qsl(urlsplit(url).query))

    # then
    assert url.startswith("https://pay.example/vpcpay.html?")
    assert params["vnp_Amount"] == "12500000"
    assert params["vnp_TmnCode"] == "M1"
    assert params["vnp_CurrCode"] == "VND"
    assert params["vnp_Command"] == "pay"
    assert params["vnp_Version"] == "2.1.0"
    assert params["vnp_Locale"] == "vn"
    assert params["vnp_CreateDate"] == "20260205093000"
    assert params["vnp_ExpireDate"] == "20260205094500"
    assert params["vnp_ReturnUrl"] == "http://testserver/thanh-toan/ket-qua/"
    assert gateway().verify(params) is True
    for field in ("vnp_Amount", "vnp_TxnRef", "vnp_ReturnUrl"):
        assert gateway().verify({**params, field: params[field] + "0"}) is False
    assert gateway().verify({**params, "vnp_SecureHash": params["vnp_SecureHash"].upper()})
    other = VnpayGateway(url="x", merchant_code="M1", secret="another")
    assert other.verify(params) is False
    assert gateway().verify({k: v for k, v in params.items() if k != "vnp_SecureHash"}) is False


def test_reading_a_result_turns_hundredths_into_dong_and_codes_into_outcomes():
    base = {
        "vnp_TmnCode": "M1",
        "vnp_Amount": "7500000",
        "vnp_TxnRef": "CQ1",
        "vnp_TransactionNo": "14000001",
        "vnp_PayDate": "20260205100203",
        "vnp_BankCode": "NCB",
    }
    paid = gateway().parse({**base, "vnp_ResponseCode": "00", "vnp_TransactionStatus": "00"})
    cancelled = gateway().parse({**base, "vnp_ResponseCode": "24", "vnp_TransactionStatus": "02"})
    failed = gateway().parse({**base, "vnp_ResponseCode": "51", "vnp_TransactionStatus": "02"})

    assert paid.amount == 75000
    assert paid.outcome == Outcome.PAID
    assert paid.paid_at == dt.datetime(2026, 2, 5, 10, 2, 3, tzinfo=GMT7)
    assert cancelled.outcome == Outcome.CANCELLED
    assert failed.outcome == Outcome.FAILED
    assert gateway().reply("duplicate") == {"RspCode": "02", "Message": "Order already confirmed"}
    assert gateway().reply("bad_signature") == {"RspCode": "97", "Message": "Invalid signature"}
