"""Look-up brute force is throttled per client address and per dossier code, with one
limiter shared by the status page and the public API."""

import pytest

PHONE = "0912345678"


def lookup(client, code, phone=PHONE, ip="203.0.113.7"):
    return client.post("/tra-cuu/", {"code": code, "phone": phone}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_one_address_is_limited_per_minute_with_a_bilingual_429(client, receive, settings):
    # given a limit of 2 look-ups a minute per address
    settings.DOSSIER_STATUS_RATE_PER_MINUTE = 2
    dossier = receive()

    # when one address looks up three times (even correctly)
    statuses = [lookup(client, dossier.code).status_code for _ in range(3)]

    # then the third is refused with 429, a Retry-After and the message in both languages
    assert statuses == [200, 200, 429]
    refused = lookup(client, dossier.code)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    page = refused.content.decode()
    assert "Too many look-ups from this address; try again in a minute." in page
    assert " / " in page.split('role="alert"')[1].split("</div>")[0]  # "vi / en"
    # and another address is not affected
    assert lookup(client, dossier.code, ip="198.51.100.1").status_code == 200


@pytest.mark.django_db
def test_failed_guesses_of_one_code_from_many_addresses_lock_that_code(
    client, receive, settings, officer_an
):
    from chinhquyen.dossiers.choices import Channel

    # given at most 3 failed look-ups of one code an hour
    settings.DOSSIER_STATUS_FAILURES_PER_CODE_PER_HOUR = 3
    dossier = receive()
    other = receive(channel=Channel.POST)

    # when three addresses each guess a wrong phone for the same code
    guesses = [
        lookup(client, dossier.code, phone=f"09000000{n:02d}", ip=f"192.0.2.{n}").status_code
        for n in range(1, 4)
    ]

    # then the guesses are 404, and the next look-up of that code is refused, even the right one
    assert guesses == [404, 404, 404]
    locked = lookup(client, dossier.code, ip="192.0.2.200")
    assert locked.status_code == 429
    assert "Too many failed look-ups of this dossier code" in locked.content.decode()
    # and the public API refuses it too (one limiter)
    api = client.get(
        f"/api/v1/public/dossiers/{dossier.code}", {"phone": PHONE}, REMOTE_ADDR="192.0.2.201"
    )
    assert api.status_code == 429
    assert api.json()["code"] == "rate_limited"
    # while another dossier's code still answers
    assert lookup(client, other.code, ip="192.0.2.200").status_code == 200


@pytest.mark.django_db
def test_a_code_that_does_not_exist_is_locked_the_same_way(client, receive, settings):
    # given at most 2 failed look-ups of one code an hour
    settings.DOSSIER_STATUS_FAILURES_PER_CODE_PER_HOUR = 2
    receive()
    code = "000.00.12.H37-260205-9999"

    # when it is guessed twice through the API and once on the page
    first = client.get(f"/api/v1/public/dossiers/{code}", {"phone": PHONE}, REMOTE_ADDR="192.0.2.1")
    second = lookup(client, code, ip="192.0.2.2")
    third = lookup(client, code, ip="192.0.2.3")

    # then the lock does not tell an existing code from another one
    assert (first.status_code, second.status_code, third.status_code) == (404, 404, 429)
