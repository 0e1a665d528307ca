"""Checks every documents test shares."""

import pytest


@pytest.fixture(autouse=True)
def access_keys_stay_true(request):
    """After each test that wrote to the database (in a rolled-back transaction), every
    document's stored access keys equal a fresh computation (documents.access_keys): whatever
    service, page or bulk write the test went through kept them true."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if marker is None and "db" not in request.fixturenames or transactional:
        yield
        return
    request.getfixturevalue("db")  # set up before, torn down after this check
    yield
    from chinhquyen.documents import access_keys
    from chinhquyen.documents.models import IncomingDocument, OutgoingDocument

    assert access_keys.stale(IncomingDocument) == [], "incoming access keys out of date"
    assert access_keys.stale(OutgoingDocument) == [], "outgoing access keys out of date"
