"""`manage.py check --deploy` is clean with the production settings the README gives, and
the settings read their variables as the README says (a separate process per case, so the
environment is read afresh as in production)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# README.md, "Running in production": the settings step 3 names.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "tether.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://tether.example.org",
    "SITE_URL": "https://tether.example.org",
    "BEHIND_HTTPS_PROXY": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
}


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k != "DATABASE_URL"}
    return subprocess.run(  # noqa: S603  (our own interpreter and manage.py)
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_readmes_production_settings():
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_without_them():
    result = _run(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY=PRODUCTION["SECRET_KEY"], ALLOWED_HOSTS="tether.example.org",
    )  # fmt: skip

    assert result.returncode != 0
    assert "security.W004" in result.stderr  # no HSTS


def _settings(name: str, **env: str) -> str:
    code = f"from django.conf import settings; print(repr(settings.{name}))"
    result = _run("-c", f"import django; django.setup(); {code}",
                  DJANGO_SETTINGS_MODULE="tether.settings", **env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_proxy_header_is_trusted_only_when_configured():
    base = {"DEBUG": "0", "SECRET_KEY": "x" * 50}

    assert _settings("SECURE_PROXY_SSL_HEADER", **base) == "None"
    assert _settings("SECURE_PROXY_SSL_HEADER", **base, BEHIND_HTTPS_PROXY="1") == (
        "('HTTP_X_FORWARDED_PROTO', 'https')"
    )


def test_email_uses_tls_by_default_outside_the_demo():
    assert _settings("EMAIL_USE_TLS", DEBUG="0", SECRET_KEY="x" * 50) == "True"
    assert _settings("EMAIL_USE_TLS", DEBUG="1") == "False"
    assert _settings("EMAIL_USE_TLS", DEBUG="0", SECRET_KEY="x" * 50, EMAIL_USE_TLS="0") == "False"
