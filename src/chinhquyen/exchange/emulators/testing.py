"""Start an emulator as its own OS process on a free loopback port (tests, the demo)."""

from __future__ import annotations

import os
import socket
import subprocess  # noqa: S404 (fixed argument list: this interpreter, our own command)
import sys
import time

import requests


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class EmulatorProcess:
    """``EmulatorProcess("national_portal_emulator", ["--client", "a:b:H37"]).start()``."""

    def __init__(self, command: str, args: list[str], *, var_dir: str = "") -> None:
        self.command = command
        self.args = args
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.var_dir = var_dir
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> EmulatorProcess:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "CHINHQUYEN_ENV": "development"}
        if self.var_dir:
            env["CHINHQUYEN_VAR_DIR"] = self.var_dir
        self.process = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
            [sys.executable, "-m", "chinhquyen.cli", self.command, "--port", str(self.port)]
            + self.args,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                requests.get(self.base_url + "/_emulator/stats", timeout=2)
                return self
            except requests.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    output = self.stop()
                    raise RuntimeError(f"{self.command} did not start:\n{output}") from None
                time.sleep(0.2)

    def stats(self) -> dict:
        return requests.get(self.base_url + "/_emulator/stats", timeout=5).json()

    def fault(self, method: str, path: str, statuses: list[int], mode: str = "refuse") -> None:
        requests.post(
            self.base_url + "/_emulator/faults",
            json={"method": method, "path": path, "statuses": statuses, "mode": mode},
            timeout=5,
        ).raise_for_status()

    def control(self, action: str, data: dict) -> dict:
        response = requests.post(f"{self.base_url}/_emulator/{action}", json=data, timeout=5)
        response.raise_for_status()
        return response.json()

    def stop(self) -> str:
        if self.process is None:
            return ""
        self.process.terminate()
        try:
            output, _err = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _err = self.process.communicate()
        self.process = None
        return output or ""
