"""A real test PKI for development and tests: certomancer served on loopback.

``TestPKI.start()`` loads ``pki/certomancer.yml``, serves its OCSP responder, CRLs and
time-stamping authority from a certomancer *Animator* on ``127.0.0.1`` (a free port) in a
daemon thread, and hands out certificates and PKCS#12 bundles::

    pki = TestPKI.start()
    pki.tsa_url                     # RFC 3161 endpoint for SIGNING_TSA_URL
    pki.pkcs12("leader-binh", b"pass")
    pki.certificate_pem("root")     # to register as a TrustAnchor
    pki.stop()

Certificates: ``root`` → ``interm`` → ``org-a`` / ``leader-binh`` / ``leader-expired`` /
``leader-revoked``; ``tsa`` under ``root``. The keys under ``pki/keys`` are public test keys.
"""

import threading
from dataclasses import dataclass, field
from pathlib import Path

PKI_DIR = Path(__file__).resolve().parent / "pki"
ARCH = "chinhquyen-test"


@dataclass
class TestPKI:
    __test__ = False  # not a pytest test class

    base_url: str
    arch: object
    _server: object = field(repr=False, default=None)
    _thread: threading.Thread | None = field(repr=False, default=None)

    @classmethod
    def load(cls, base_url: str = "http://127.0.0.1:1") -> "TestPKI":
        """The PKI without services (certificates and keys only)."""
        from certomancer.registry import CertomancerConfig

        config = CertomancerConfig.from_file(
            str(PKI_DIR / "certomancer.yml"), external_url_prefix=base_url
        )
        return cls(base_url=base_url, arch=config.get_pki_arch(ARCH))

    @classmethod
    def start(cls) -> "TestPKI":
        """Load the PKI and serve OCSP, CRLs and the TSA on a free loopback port."""
        from certomancer.integrations.animator import Animator, AnimatorArchStore
        from werkzeug.serving import WSGIRequestHandler, make_server

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, *args, **kwargs) -> None:
                pass

        holder: dict = {}

        def app(environ, start_response):
            return holder["animator"](environ, start_response)

        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        pki = cls.load(f"http://127.0.0.1:{server.port}")
        holder["animator"] = Animator(AnimatorArchStore({ARCH: pki.arch}), with_web_ui=False)
        thread = threading.Thread(target=server.serve_forever, daemon=True, name="test-pki")
        thread.start()
        pki._server, pki._thread = server, thread
        return pki

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def tsa_url(self) -> str:
        return f"{self.base_url}/{ARCH}/tsa/tsa"

    def certificate_der(self, label: str) -> bytes:
        return self.arch.get_cert(label).dump()

    def certificate_pem(self, label: str) -> bytes:
        from asn1crypto import pem

        return pem.armor("CERTIFICATE", self.certificate_der(label))

    def private_key_der(self, label: str) -> bytes:
        """The PKCS#8 DER private key of ``label``'s certificate (for loading into a token)."""
        spec = self.arch.get_cert_spec(label)
        return self.arch.key_set.get_private_key(spec.subject_key).dump()

    def pkcs12(self, label: str, passphrase: bytes) -> bytes:
        """``label``'s certificate, key and chain (without the root) as PKCS#12."""
        return self.arch.package_pkcs12(label, password=passphrase)


def minimal_pdf(pages: int = 1, text: str = "ChinhQuyen test document") -> bytes:
    """A small valid A4 PDF (Helvetica text on each page), written by hand with a correct xref."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    objects: list[bytes] = []
    page_ids = [4 + 2 * i for i in range(pages)]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{pid} 0 R" for pid in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for number in range(1, pages + 1):
        stream = f"BT /F1 14 Tf 85 760 Td ({safe} - {number}) Tj ET".encode()
        contents = 4 + 2 * (number - 1) + 1
        page = (
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {contents} 0 R >>"
        )
        objects.append(page.encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for index, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % index + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(out)
