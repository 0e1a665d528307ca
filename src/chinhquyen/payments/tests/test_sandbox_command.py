"""``chinhquyen payment_sandbox`` serves the sandbox gateway in its own process."""

import os
import socket
import subprocess  # noqa: S404 (fixed argument list)
import sys
import time
from urllib.error import HTTPError
from urllib.request import urlopen


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_command_serves_the_sandbox_and_refuses_unsigned_requests(tmp_path):
    port = free_port()
    env = {**os.environ, "CHINHQUYEN_VAR_DIR": str(tmp_path), "CHINHQUYEN_ENV": "development"}
    env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "-m", "chinhquyen.cli", "payment_sandbox", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/paymentv2/vpcpay.html?vnp_TmnCode=CQSANDBX"
        deadline = time.monotonic() + 30
        while True:
            try:
                urlopen(url, timeout=5)  # noqa: S310 (loopback)
            except HTTPError as error:
                status, body = error.code, error.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "the sandbox did not start"
                time.sleep(0.2)
        assert status == 400
        assert "Sai chữ ký / Invalid signature" in body
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert f"Sandbox payment gateway on http://127.0.0.1:{port}/paymentv2/vpcpay.html" in output
