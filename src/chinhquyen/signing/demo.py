"""Demo certificates: a local demo CA, keys for the demo leaders and agencies, a registry.

DEVELOPMENT DATA ONLY (``chinhquyen load_demo`` refuses to run in production).

* A demo CA made offline with the ``cryptography`` package (no network): "ChinhQuyen Demo
  Root CA" → "ChinhQuyen Demo Government CA" (stands in for the specialised-signature CA),
  kept under ``<var>/demo-signing/ca/`` (the intermediate's key unencrypted: **public demo
  keys, never trust them outside the demo**; the root's key is not kept). The root is added
  to the trust list.
* Personal keys for the demo leaders ``lanhdao`` and ``truongphong``; organisation keys for the
  provincial People's Committee, its Office, the departments and the units used by the demo
  dossiers, and the demo communes. Each is an encrypted PKCS#12 file
  ``<var>/demo-signing/<name>.p12`` (passphrase :data:`DEMO_P12_PASSPHRASE`, public) imported
  with ``services.import_pkcs12_key`` (stored sealed), which registers its certificate.
* For the registry pages and counts: SIM-based remote-signing certificates of some demo
  officials, and a few certificates that expire soon (or already expired) with no key here.

Then ``chinhquyen sign --in a.pdf --out b.pdf --signer lanhdao`` signs, and
``chinhquyen verify b.pdf`` reports it valid. Idempotent: files are made once, keys and
registry rows are found by their certificate.
"""

from __future__ import annotations

import datetime
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chinhquyen.audit.services import log_action

DEMO_P12_PASSPHRASE = "ChinhQuyen-Demo-KySo-2026"  # noqa: S105 (public demo passphrase)
DEMO_DIR_NAME = "demo-signing"

# Demo accounts (directory.demo) with a personal signing key.
PERSONAL_KEYS = ("lanhdao", "truongphong")
# DemoOrg keys (directory.demo) with an organisation signing key.
ORGANISATION_KEYS = (
    "ubnd",
    "vp",
    "vp_tthc",
    "snv",
    "stp",
    "sgd",
    "skhcn",
    "stc",
    "stc_dkkd",
    "snnmt",
    "snnmt_vpdk",
    "sxd",
    "syt",
    "x_minhxuan",
    "x_nongtien",
    "x_hagiang1",
    "x_yenson",
    "x_sonduong",
    "x_hamyen",
)
# Demo accounts with a SIM-based remote-signing certificate (recorded only).
SIM_ACCOUNTS = ("vanthu", "motcua", "chuyenvien", "quantri_it")


@dataclass(frozen=True)
class ExtraCertificate:
    """A registry-only certificate (no key here) to give the pages something to show."""

    name: str  # file stem
    kind: str  # CertificateKind value
    owner: str  # demo username (personal, SIM) or DemoOrg key (organisational)
    days_left: int  # negative: already expired


EXTRA_CERTIFICATES = (
    ExtraCertificate("soon-chuyenvien", "personal", "chuyenvien", 12),
    ExtraCertificate("soon-motcua-sim", "sim", "motcua", 25),
    ExtraCertificate("soon-stc-old", "organisational", "stc", 9),
    ExtraCertificate("soon-x_minhxuan-old", "organisational", "x_minhxuan", 20),
    ExtraCertificate("expired-sxd-old", "organisational", "sxd", -40),
)


def demo_dir(var_dir: Path | None = None) -> Path:
    return Path(var_dir or settings.VAR_DIR) / DEMO_DIR_NAME


# --- the demo CA ------------------------------------------------------------------------


def _name(common_name: str, organisation: str = "ChinhQuyen Demo PKI") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class DemoCA:
    root: x509.Certificate
    interm: x509.Certificate
    interm_key: rsa.RSAPrivateKey

    @classmethod
    def load_or_create(cls, directory: Path) -> DemoCA:
        """The CA under ``directory/ca`` (made once; atomically, for parallel test runs)."""
        ca_dir = directory / "ca"
        if not ca_dir.exists():
            directory.mkdir(parents=True, exist_ok=True)
            scratch = Path(tempfile.mkdtemp(dir=directory, prefix=".ca-"))
            cls._create(scratch)
            try:
                scratch.rename(ca_dir)  # atomic; fails when another process made it first
            except OSError:
                shutil.rmtree(scratch, ignore_errors=True)
        return cls(
            root=x509.load_pem_x509_certificate((ca_dir / "root.pem").read_bytes()),
            interm=x509.load_pem_x509_certificate((ca_dir / "interm.pem").read_bytes()),
            interm_key=serialization.load_pem_private_key(
                (ca_dir / "interm.key.pem").read_bytes(), password=None
            ),
        )

    @staticmethod
    def _create(target: Path) -> None:
        now = timezone.now()
        root_key, interm_key = _rsa_key(), _rsa_key()
        root_name = _name("ChinhQuyen Demo Root CA")
        root = _ca_certificate(
            root_name, root_key, root_name, root_key, now, years=20, path_length=1
        )
        interm = _ca_certificate(
            _name("ChinhQuyen Demo Government CA"),
            interm_key,
            root_name,
            root_key,
            now,
            years=15,
            path_length=0,
        )
        (target / "root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
        (target / "interm.pem").write_bytes(interm.public_bytes(serialization.Encoding.PEM))
        key_file = target / "interm.key.pem"
        key_file.write_bytes(
            interm_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        key_file.chmod(0o600)

    def root_pem(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.PEM)

    def issue(self, public_key, *, common_name: str, organisation: str, not_before, not_after):
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, organisation))
            .issuer_name(self.interm.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.interm_key.public_key()),
                critical=False,
            )
        )
        return builder.sign(self.interm_key, hashes.SHA256())


def _ca_certificate(subject, key, issuer, issuer_key, now, *, years: int, path_length: int):
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=365))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
        .sign(issuer_key, hashes.SHA256())
    )


def _pkcs12_file(ca: DemoCA, path: Path, *, common_name: str, organisation: str) -> bytes:
    """The encrypted PKCS#12 file at ``path`` (made once: two years from a year ago)."""
    if path.exists():
        return path.read_bytes()
    now = timezone.now()
    key = _rsa_key()
    cert = ca.issue(
        key.public_key(),
        common_name=common_name,
        organisation=organisation,
        not_before=now - datetime.timedelta(days=200),
        not_after=now + datetime.timedelta(days=730),
    )
    data = pkcs12.serialize_key_and_certificates(
        common_name.encode(),
        key,
        cert,
        [ca.interm],
        serialization.BestAvailableEncryption(DEMO_P12_PASSPHRASE.encode()),
    )
    return _write_once(path, data, mode=0o600)


def _certificate_file(
    ca: DemoCA, path: Path, *, common_name: str, organisation: str, days_left: int
) -> bytes:
    """A certificate without a key here (PEM, with the intermediate), made once."""
    if path.exists():
        return path.read_bytes()
    now = timezone.now()
    key = ec.generate_private_key(ec.SECP256R1())  # thrown away: the key lives elsewhere
    not_after = now + datetime.timedelta(days=days_left)
    cert = ca.issue(
        key.public_key(),
        common_name=common_name,
        organisation=organisation,
        not_before=not_after - datetime.timedelta(days=730),
        not_after=not_after,
    )
    data = cert.public_bytes(serialization.Encoding.PEM) + ca.interm.public_bytes(
        serialization.Encoding.PEM
    )
    return _write_once(path, data)


def _write_once(path: Path, data: bytes, *, mode: int = 0o644) -> bytes:
    """Write ``path`` unless it exists (atomically: a parallel run keeps the first file)."""
    handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(scratch, mode)
        try:
            os.link(scratch, path)
        except FileExistsError:
            return path.read_bytes()
    finally:
        os.unlink(scratch)
    return data


# --- loading ----------------------------------------------------------------------------


def _has_certificate(data: bytes, *, passphrase: str = "") -> bool:
    from chinhquyen.signing import crypto
    from chinhquyen.signing.models import Certificate
    from chinhquyen.signing.registry import read_certificate_file

    cert, _chain, _p12 = read_certificate_file(data, passphrase=passphrase)
    return Certificate.objects.filter(fingerprint_sha256=crypto.fingerprint(cert)).exists()


def _demo_font(size: int):
    from PIL import ImageFont

    for path in (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
    ):
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def demo_seal_png(name: str) -> bytes:
    """A red round seal with the organisation's name, transparent background (demo only:
    a real seal image is the scanned seal registered by the agency)."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    size, red = 360, (218, 37, 29, 255)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 6, size - 6, size - 6), outline=red, width=10)
    draw.ellipse((40, 40, size - 40, size - 40), outline=red, width=4)
    draw.regular_polygon((size / 2, size / 2 - 40, 28), 5, fill=red, rotation=180)
    words, lines = name.upper().split(), []
    for word in words:
        if lines and len(lines[-1]) + len(word) < 16:
            lines[-1] += " " + word
        else:
            lines.append(word)
    font = _demo_font(26)
    y = size / 2
    for line in lines[:4]:
        draw.text((size / 2, y), line, fill=red, font=font, anchor="mm")
        y += 30
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def demo_signature_png(full_name: str) -> bytes:
    """A blue handwritten-looking signature, transparent background (demo only)."""
    import math
    from io import BytesIO

    from PIL import Image, ImageDraw

    width, height, blue = 420, 160, (20, 60, 170, 255)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    seed = sum(map(ord, full_name))
    points = [
        (20 + x * 3.6, height / 2 + 38 * math.sin((x + seed % 17) / 7.0) * math.cos(x / 23.0))
        for x in range(105)
    ]
    draw.line(points, fill=blue, width=5, joint="curve")
    draw.text((width - 20, height - 18), full_name.split()[-1], fill=blue, font=_demo_font(30),
              anchor="rs")  # fmt: skip
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _give_images() -> None:
    """Demo keys without an image get a demo signature (personal) or seal (organisation)."""
    from chinhquyen.signing.choices import SignatureRole
    from chinhquyen.signing.models import SigningKey
    from chinhquyen.signing.services import set_appearance_image

    keys = SigningKey.objects.filter(appearance_image=None, is_active=True).select_related(
        "user__official", "organisation"
    )
    for key in keys:
        if key.role == SignatureRole.PERSONAL and hasattr(key.user, "official"):
            set_appearance_image(key, demo_signature_png(key.user.official.full_name))
        elif key.role == SignatureRole.ORGANISATION and key.organisation_id:
            set_appearance_image(key, demo_seal_png(key.organisation.name))


def load_demo_signing(*, var_dir: Path | None = None, progress: bool = False) -> dict[str, int]:
    """Demo CA, trust anchor, keys and registry (see the module docstring). Idempotent.

    Needs the demo agencies and accounts (``directory.demo``). Returns counts of what was new.
    """
    from chinhquyen.directory.demo import DEMO_ORGANISATIONS, DemoRefused
    from chinhquyen.directory.models import Official, Organisation
    from chinhquyen.signing.choices import CertificateKind, SignatureRole
    from chinhquyen.signing.registry import register_certificate
    from chinhquyen.signing.services import add_trust_anchor, import_pkcs12_key

    if settings.PRODUCTION:
        raise DemoRefused(
            "The demo data cannot be loaded in production "
            "(không được nạp dữ liệu mẫu ở chế độ production)."
        )
    directory = demo_dir(var_dir)
    ca = DemoCA.load_or_create(directory)
    codes = {spec.qcvn_code: spec.key for spec in DEMO_ORGANISATIONS}
    orgs = {codes[o.qcvn_code]: o for o in Organisation.objects.filter(qcvn_code__in=list(codes))}
    officials = {
        o.user.username: o
        for o in Official.objects.select_related("user", "organisation").filter(
            user__username__in=[*PERSONAL_KEYS, *SIM_ACCOUNTS, "chuyenvien", "motcua"]
        )
    }
    created = {"keys": 0, "certificates": 0}
    with transaction.atomic():
        add_trust_anchor(certificate=ca.root_pem(), name="ChinhQuyen Demo Root CA (demo only)")
        for username in PERSONAL_KEYS:
            official = officials.get(username)
            if official is None:
                continue
            data = _pkcs12_file(
                ca,
                directory / f"personal-{username}.p12",
                common_name=official.full_name,
                organisation=official.organisation.name,
            )
            if not _has_certificate(data, passphrase=DEMO_P12_PASSPHRASE):
                import_pkcs12_key(
                    data=data,
                    passphrase=DEMO_P12_PASSPHRASE,
                    role=SignatureRole.PERSONAL,
                    user=official.user,
                )
                created["keys"] += 1
        for key in ORGANISATION_KEYS:
            organisation = orgs.get(key)
            if organisation is None:
                continue
            data = _pkcs12_file(
                ca,
                directory / f"organisation-{key}.p12",
                common_name=organisation.name,
                organisation=organisation.name,
            )
            if not _has_certificate(data, passphrase=DEMO_P12_PASSPHRASE):
                import_pkcs12_key(
                    data=data,
                    passphrase=DEMO_P12_PASSPHRASE,
                    role=SignatureRole.ORGANISATION,
                    organisation=organisation,
                )
                created["keys"] += 1
        extras = [ExtraCertificate(f"sim-{u}", CertificateKind.SIM, u, 365) for u in SIM_ACCOUNTS]
        for extra in [*extras, *EXTRA_CERTIFICATES]:
            official = officials.get(extra.owner)
            organisation = official.organisation if official else orgs.get(extra.owner)
            if organisation is None:
                continue
            data = _certificate_file(
                ca,
                directory / f"{extra.name}.pem",
                common_name=official.full_name if official else organisation.name,
                organisation=organisation.name,
                days_left=extra.days_left,
            )
            if _has_certificate(data):
                continue
            register_certificate(
                data=data,
                kind=extra.kind,
                organisation=None if official else organisation,
                official=official,
            )
            created["certificates"] += 1
        _give_images()
        log_action("signing.load_demo_signing", details=created | {"directory": str(directory)})
    return created
