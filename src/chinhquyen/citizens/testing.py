"""The development OpenID Connect provider (tools/oidc-dev-provider), run from Python.

Used by the tests' fixture and by ``chinhquyen oidc_dev_provider``. It is node-oidc-provider
with demo accounts (see ``tools/oidc-dev-provider/server.mjs``): DEVELOPMENT ONLY.
"""

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

TOOL_DIR = Path(__file__).resolve().parents[3] / "tools" / "oidc-dev-provider"
CLIENT_ID = "chinhquyen-dev"
CLIENT_SECRET = "chinhquyen-dev-secret"  # noqa: S105 (development provider only)
# Demo accounts of the development provider: login (identity number) -> password.
DEMO_ACCOUNTS = {"001090012345": "matkhau-dev", "008085000111": "matkhau-dev"}


class DevProviderError(RuntimeError):
    pass


def ensure_installed(tool_dir: Path = TOOL_DIR) -> None:
    """``npm ci`` once if node_modules is missing or older than package-lock.json (locked, so
    parallel test workers install once)."""
    lock = tool_dir / "package-lock.json"
    marker = tool_dir / "node_modules" / ".package-lock.json"
    if marker.exists() and marker.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm = shutil.which("npm")
    if not npm or not shutil.which("node"):
        raise DevProviderError("Node.js and npm are needed for the development OIDC provider.")
    with open(Path(tempfile.gettempdir()) / "chinhquyen-oidc-dev-provider.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        if marker.exists() and marker.stat().st_mtime >= lock.stat().st_mtime:
            return
        subprocess.run(  # noqa: S603 (fixed command)
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=tool_dir,
            check=True,
            timeout=300,
        )


@dataclass
class DevProvider:
    """A running provider process on 127.0.0.1; ``issuer`` once started."""

    redirect_uris: list[str]
    port: int = 0
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    id_token_ttl: int = 600
    issuer: str = ""
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self, timeout: float = 30) -> "DevProvider":
        ensure_installed()
        env = {
            **os.environ,
            "OIDC_DEV_PORT": str(self.port),
            "OIDC_DEV_CLIENT_ID": self.client_id,
            "OIDC_DEV_CLIENT_SECRET": self.client_secret,
            "OIDC_DEV_REDIRECT_URIS": ",".join(self.redirect_uris),
            "OIDC_DEV_ID_TOKEN_TTL": str(self.id_token_ttl),
        }
        self.process = subprocess.Popen(  # noqa: S603 (fixed command)
            [shutil.which("node") or "node", "server.mjs"],
            cwd=TOOL_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            if line.startswith("{"):
                self.issuer = json.loads(line)["issuer"]
                return self
        self.stop()
        raise DevProviderError("The development OIDC provider did not start.")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process and self.process.stdout:
            self.process.stdout.close()
        self.process = None

    def __enter__(self) -> "DevProvider":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
