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

        server = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler
        )
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
