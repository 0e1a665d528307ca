"""The image shown with a signature (Decree 30/2020 Appendix I §II): the person's handwritten
signature with every personal signature, the organisation's seal over the leader's signature on
the main document; only a PNG with a transparent background is accepted."""

from io import BytesIO

import pytest
from PIL import Image

from chinhquyen.audit.models import AuditEntry
from chinhquyen.signing.demo import demo_seal_png, demo_signature_png
from chinhquyen.signing.errors import SigningError
from chinhquyen.signing.models import SigningKey
from chinhquyen.signing.services import set_appearance_image

pytestmark = pytest.mark.django_db


def png(mode: str) -> bytes:
    out = BytesIO()
    Image.new(mode, (40, 20), (255, 0, 0, 0) if mode == "RGBA" else (255, 0, 0)).save(
        out, format="PNG"
    )
    return out.getvalue()


@pytest.fixture
def key(org_tree):
    import datetime

    from django.utils import timezone

    return SigningKey.objects.create(
        role="organisation",
        organisation=org_tree.dept_a,
        label="Sở A",
        storage="pkcs12",
        certificate=b"x",
        serial_number="1",
        issuer="CA",
        subject="Sở A",
        valid_from=timezone.now(),
        valid_until=timezone.now() + datetime.timedelta(days=365),
    )


def test_a_transparent_png_is_kept_and_audited(key):
    set_appearance_image(key, demo_seal_png("Sở Tư pháp tỉnh Tuyên Quang"))

    key.refresh_from_db()
    assert bytes(key.appearance_image).startswith(b"\x89PNG")
    with Image.open(BytesIO(bytes(key.appearance_image))) as seal:
        assert seal.mode == "RGBA"
        assert seal.getpixel((0, 0))[3] == 0  # transparent corner
    entry = AuditEntry.objects.get(action="signing.set_appearance_image")
    assert entry.details["bytes"] == len(key.appearance_image)


@pytest.mark.parametrize("data", [png("RGB"), b"GIF89a not a png", b"\x89PNG\r\n\x1a\nbroken"])
def test_an_opaque_or_unreadable_image_is_refused_and_nothing_changes(key, data):
    with pytest.raises(SigningError):
        set_appearance_image(key, data)

    key.refresh_from_db()
    assert key.appearance_image is None
    assert not AuditEntry.objects.filter(action="signing.set_appearance_image").exists()


def test_the_demo_signature_is_blue_on_transparent():
    with Image.open(BytesIO(demo_signature_png("Hoàng Văn Đạo"))) as signature:
        colours = {pixel for pixel in signature.getdata() if pixel[3]}
    assert colours and all(b > r for r, g, b, a in colours)
