"""Peers are configured per code, or once for a whole other province by its level-1 code."""

from chinhquyen.exchange import conf


def test_a_peer_is_found_by_its_code_then_by_its_level_one_body(settings):
    exact = {"url": "https://b.example/exchange/inbox/", "secret": "s1"}
    province = {"url": "https://h38.example/exchange/inbox/", "secret": "s2"}
    settings.EXCHANGE_PEERS = {"000.00.12.H38": exact, "*.H38": province}

    assert conf.peer("000.00.12.H38") is exact
    assert conf.peer("000.00.13.H38") is province
    assert conf.peer("000.00.13.H39") is None
    assert conf.peer("H38") is None
