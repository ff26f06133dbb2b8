"""Production is configured by the environment alone: the documented environment passes
`hromada check --deploy`, and `hromada serve` refuses development, short and shared keys."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

PROJECT_DIR = Path(__file__).resolve().parents[3]
OPERATIONS = PROJECT_DIR / "docs" / "operations.md"
MARKER = "<!-- production-environment -->"
# What the environment of this test run may carry into a child and would change its settings.
SETTINGS_VARIABLES = ("SECRET_KEY", "TAX_NUMBER_HASH_KEY", "PSEUDONYM_KEY", "AUDIT_HMAC_KEY", "DATABASE_URL",
                      "REDIS_URL", "DEBUG", "SECURE", "TRUSTED_PROXIES", "ALLOWED_HOSTS", "PORT", "WEB_HOST",
                      "WEB_WORKERS", "WEB_THREADS")


def documented_environment() -> dict[str, str]:
    """The production environment block of docs/operations.md, each `…` a fresh key of its own."""
    text = OPERATIONS.read_text()
    assert MARKER in text, "docs/operations.md lost its production environment block"
    block = re.search(r"```sh\n(.*?)```", text[text.index(MARKER):], re.S)
    assert block is not None
    variables = {}
    for line in block[1].splitlines():
        name, _sep, value = line.partition("=")
        variables[name.strip()] = value.replace("…", secrets.token_urlsafe(50)).strip()
    return variables


def hromada(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    base = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    return subprocess.run([sys.executable, "-m", "hromada.cli", *args], cwd=PROJECT_DIR, env={**base, **environment},
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_the_documented_production_environment():
    environment = documented_environment()
    assert {"SECRET_KEY", "TAX_NUMBER_HASH_KEY", "PSEUDONYM_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS",
            "TRUSTED_PROXIES", "SECURE"} <= environment.keys()
    result = hromada("check", "--deploy", "--fail-level", "WARNING", **environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secure_environment_means_https_only():
    shown = hromada("shell", "-c", "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
                    "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.TRUSTED_PROXIES)",
                    SECURE="true", TRUSTED_PROXIES="10.0.0.0/24,192.0.2.7")
    assert shown.stdout.split("\n")[-2] == "True True True 31536000 ['10.0.0.0/24', '192.0.2.7']", shown.stderr
    plain = hromada("shell", "-c", "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
                    "s.SECURE_HSTS_SECONDS)")
    assert plain.stdout.split("\n")[-2] == "False 0"


def test_serve_refuses_to_start_with_the_development_keys():
    result = hromada("serve")
    assert result.returncode == 1
    for name in ("SECRET_KEY", "TAX_NUMBER_HASH_KEY", "PSEUDONYM_KEY", "AUDIT_HMAC_KEY"):
        assert f"{name} is the development value" in result.stderr
    assert "granian" not in result.stdout + result.stderr


def test_serve_starts_granian_sized_by_the_environment():
    keys = {name: secrets.token_urlsafe(50)
            for name in ("SECRET_KEY", "TAX_NUMBER_HASH_KEY", "PSEUDONYM_KEY", "AUDIT_HMAC_KEY")}
    result = hromada("serve", "--check-only", WEB_WORKERS="3", WEB_THREADS="5", PORT="8123", WEB_HOST="127.0.0.1",
                     **keys)
    assert result.returncode == 0, result.stderr
    command = result.stdout.split()
    assert command[command.index("--workers") + 1] == "3"
    assert command[command.index("--blocking-threads") + 1] == "5"
    assert command[command.index("--port") + 1] == "8123" and command[command.index("--host") + 1] == "127.0.0.1"
    assert "hromada.config.wsgi:application" in command


STRONG = "Zq7-Wx4_Lm9" * 5


def test_serve_refuses_to_start_with_debug_on():
    keys = {name: secrets.token_urlsafe(50)
            for name in ("SECRET_KEY", "TAX_NUMBER_HASH_KEY", "PSEUDONYM_KEY", "AUDIT_HMAC_KEY")}
    result = hromada("serve", "--check-only", DEBUG="true", **keys)
    assert result.returncode == 1 and "DEBUG is on" in result.stderr
    assert "granian" not in result.stdout


def test_https_only_without_a_trusted_balancer_is_reported(settings):
    from hromada.core.deploy import check_production_mode

    settings.SECURE, settings.TRUSTED_PROXIES, settings.DEBUG = True, [], False
    assert [m.id for m in check_production_mode()] == ["hromada.W001"]
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert check_production_mode() == []


@pytest.mark.parametrize(("keys", "refusal"), [
    ({"SECRET_KEY": "short-but-not-development"}, "SECRET_KEY is too weak"),
    ({"TAX_NUMBER_HASH_KEY": "rnokpp-key-2026"}, "TAX_NUMBER_HASH_KEY is too weak"),
    ({"PSEUDONYM_KEY": "a" * 80}, "PSEUDONYM_KEY is too weak"),  # long, but one character
    ({"PSEUDONYM_KEY": "dev-only-pseudonym-key" * 3}, "PSEUDONYM_KEY is the development value"),
    ({"SECRET_KEY": "django-insecure-" + STRONG}, "SECRET_KEY is the development value"),
    # the pseudonyms keyed by the SECRET_KEY again
    ({"SECRET_KEY": STRONG, "PSEUDONYM_KEY": STRONG}, "PSEUDONYM_KEY is the same as SECRET_KEY"),
    ({"AUDIT_HMAC_KEY": "dev-only-audit-hmac-key"}, "AUDIT_HMAC_KEY is the development value"),
])
def test_serve_refuses_weak_or_shared_keys(settings, keys, refusal):
    settings.SECRET_KEY, settings.TAX_NUMBER_HASH_KEY = "S1a-Rf8_Ke" * 5, "T2b-Qg7_Jd" * 5
    settings.PSEUDONYM_KEY, settings.AUDIT_HMAC_KEY = "P3c-Ph6_Ic" * 5, "A4d-Og5_Hb" * 5
    for name, value in keys.items():
        setattr(settings, name, value)
    with pytest.raises(SystemCheckError, match=refusal):
        call_command("serve", check_only=True)


def test_a_trusted_proxy_that_is_not_an_address_is_an_error(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "balancer.internal"]
    with pytest.raises(SystemCheckError, match="'balancer.internal' is not an address"):
        call_command("check")
