"""SoftHSM2 as a real PKCS#11 device for tests (Debian ``softhsm2``).

``SoftHSMToken.create(tmp_dir, label=…, pin=…)`` writes a private ``softhsm2.conf`` with its own
token directory, points ``SOFTHSM2_CONF`` at it (the library reads it when first loaded, so do
this once per process before any PKCS#11 use) and initialises a token; ``import_key`` loads a
PKCS#8 key from the test PKI onto it.
"""

import os
import shutil
import subprocess  # noqa: S404 (fixed argument lists, test tooling only)
from dataclasses import dataclass
from pathlib import Path

MODULE_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)


def softhsm_module() -> str | None:
    if shutil.which("softhsm2-util") is None:
        return None
    return next((path for path in MODULE_CANDIDATES if Path(path).is_file()), None)


@dataclass(frozen=True)
class SoftHSMToken:
    module: str
    conf: Path
    label: str
    pin: str
    so_pin: str

    @classmethod
    def create(cls, directory: Path, *, label: str, pin: str, so_pin: str) -> "SoftHSMToken":
        module = softhsm_module()
        if module is None:
            raise RuntimeError("SoftHSM2 is not installed (apt-get install softhsm2).")
        tokens = directory / "tokens"
        tokens.mkdir(parents=True, exist_ok=True)
        conf = directory / "softhsm2.conf"
        conf.write_text(
            f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
        )
        os.environ["SOFTHSM2_CONF"] = str(conf)
        token = cls(module=module, conf=conf, label=label, pin=pin, so_pin=so_pin)
        token._run("--init-token", "--free", "--label", label, "--so-pin", so_pin, "--pin", pin)
        return token

    def import_key(self, key_pem: Path, *, key_label: str, key_id: str = "01") -> None:
        """Import a PKCS#8 PEM private key under ``key_label``."""
        self._run(
            "--import", str(key_pem), "--token", self.label,
            "--label", key_label, "--id", key_id, "--pin", self.pin,
        )  # fmt: skip

    def _run(self, *args: str) -> None:
        env = os.environ | {"SOFTHSM2_CONF": str(self.conf)}
        tool = shutil.which("softhsm2-util") or "/usr/bin/softhsm2-util"
        subprocess.run(  # noqa: S603 (fixed tool, arguments from the test)
            [tool, *args], env=env, check=True, capture_output=True, timeout=60
        )
