"""Settings come from the environment; each case runs a fresh interpreter with its own env."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""),
    "port": str(db.get("PORT", "")),
    "storage": settings.STORAGES["default"]["BACKEND"],
    "secure_cookies": settings.SESSION_COOKIE_SECURE,
    "allowed_hosts": settings.ALLOWED_HOSTS,
}))
"""


def run_python(code: str, env_overrides: dict[str, str], tmp_path: Path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "S3_BUCKET", "CHINHQUYEN_ENV"}
    }
    env.update({"CHINHQUYEN_VAR_DIR": str(tmp_path / "var"), **env_overrides})
    env["DJANGO_SETTINGS_MODULE"] = "chinhquyen.settings"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


def test_the_default_database_is_sqlite_under_var_and_a_secret_key_is_generated_there(tmp_path):
    result = run_python(PRINT_SETTINGS, {}, tmp_path)

    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)
    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["name"] == str(tmp_path / "var" / "chinhquyen.sqlite3")
    key_file = tmp_path / "var" / "secret_key"
    assert len(key_file.read_text()) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_the_sqlite_database_runs_in_wal_mode(tmp_path):
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
    )
    result = run_python(code, {}, tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wal"


def test_database_url_selects_postgresql(tmp_path):
    result = run_python(
        PRINT_SETTINGS, {"DATABASE_URL": "postgres://cq:pw@db.example:5433/chinhquyen"}, tmp_path
    )

    settings = json.loads(result.stdout)
    assert settings["engine"] == "django.db.backends.postgresql"
    assert (settings["name"], settings["host"], settings["port"]) == (
        "chinhquyen",
        "db.example",
        "5433",
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_python(PRINT_SETTINGS, {"CHINHQUYEN_ENV": "production"}, tmp_path)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_production_with_a_secret_key_uses_secure_cookies_and_only_the_configured_hosts(tmp_path):
    result = run_python(
        PRINT_SETTINGS,
        {
            "CHINHQUYEN_ENV": "production",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "dichvucong.tuyenquang.gov.vn",
            "PUBLIC_BASE_URL": "https://dichvucong.tuyenquang.gov.vn",
        },
        tmp_path,
    )

    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)
    assert settings["secure_cookies"] is True
    assert settings["allowed_hosts"] == ["dichvucong.tuyenquang.gov.vn"]


def test_production_refuses_to_start_without_its_public_https_address(tmp_path):
    # Links in slips' QR codes, e-mails and SMS are made outside any request: a production
    # site that fell back to localhost would print links no citizen can open.
    environment = {"CHINHQUYEN_ENV": "production", "SECRET_KEY": "x" * 60}

    unset = run_python(PRINT_SETTINGS, environment, tmp_path)
    plain_http = run_python(
        PRINT_SETTINGS, {**environment, "PUBLIC_BASE_URL": "http://dichvucong.example"}, tmp_path
    )

    assert unset.returncode != 0
    assert "PUBLIC_BASE_URL must be set" in unset.stderr
    assert plain_http.returncode != 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def s3_server():
    """A real S3-compatible server (moto's) on loopback, for the object-storage setting."""
    server = Path(sys.executable).with_name("moto_server")
    if not server.exists():
        pytest.skip("moto_server is not installed (it comes with the test extras)")
    port = free_port()
    process = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_attachments_go_to_s3_compatible_object_storage_when_a_bucket_is_configured(
    tmp_path, s3_server
):
    code = (
        "import boto3, django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage\n"
        "o = settings.STORAGES['default']['OPTIONS']\n"
        "boto3.client('s3', endpoint_url=o['endpoint_url'], region_name='us-east-1',\n"
        "    aws_access_key_id='test', aws_secret_access_key='test'"
        ").create_bucket(Bucket='chinhquyen-media')\n"
        "name = default_storage.save('dossiers/scan.pdf', ContentFile(b'%PDF-1.7 test'))\n"
        "print(type(default_storage._wrapped).__name__, default_storage.open(name).read())\n"
    )
    result = run_python(
        code,
        {
            "S3_BUCKET": "chinhquyen-media",
            "S3_ENDPOINT_URL": s3_server,
            "S3_REGION": "us-east-1",
            "S3_ACCESS_KEY_ID": "test",
            "S3_SECRET_ACCESS_KEY": "test",
        },
        tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "S3Storage b'%PDF-1.7 test'"
    assert not (tmp_path / "var" / "media").exists()
