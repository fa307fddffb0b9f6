"""Production settings refuse to start half-configured, and `check --deploy` is clean.

Each case starts a fresh Python process with a controlled environment, because
settings are read once, at start-up.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[3]
SETUP = "import django; django.setup()"
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "kq3M8v0yLr-ZbT1uNf7wXe2HcJ9aPd4sGi6oVn5tRl_Ym8Qz0Bj2Wk7Fh3Cx1",
    "ALLOWED_HOSTS": "innerwork.example",
    "DATABASE_URL": "postgres://innerwork@db.innerwork.example:5432/innerwork",
    "SITE_URL": "https://innerwork.example",
}
MISSING = "DEBUG is off, so these environment variables are required: "


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "innerwork.settings", **env}
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=120, check=False
    )


def test_with_debug_off_the_app_refuses_to_start_without_its_three_required_variables():
    # when
    result = _run(["-c", SETUP], DEBUG="false")
    # then
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {MISSING}SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL" in result.stderr


@pytest.mark.parametrize("name", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_with_debug_off_each_required_variable_is_enforced_on_its_own(name):
    # given
    env = {key: value for key, value in PRODUCTION.items() if key != name}
    # when
    result = _run(["-c", SETUP], **env)
    # then
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {MISSING}{name}\n" in result.stderr


def test_with_debug_off_and_everything_set_the_app_starts_with_mandatory_email_verification():
    # when
    result = _run(
        ["-c", f"{SETUP}; from django.conf import settings; print(settings.ACCOUNT_EMAIL_VERIFICATION)"], **PRODUCTION
    )
    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "mandatory"


def test_the_demo_defaults_start_with_nothing_configured():
    # when
    result = _run(["-c", f"{SETUP}; from django.conf import settings; print(settings.DEBUG)"])
    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_a_stripe_api_host_is_refused_in_production_unless_explicitly_allowed():
    # when
    refused = _run(["-c", SETUP], **PRODUCTION, STRIPE_API_HOST="http://127.0.0.1:12111")
    allowed = _run(
        ["-c", f"{SETUP}; from django.conf import settings; print(settings.STRIPE_API_HOST)"],
        **PRODUCTION,
        STRIPE_API_HOST="http://stripe-emulator.internal:12111",
        STRIPE_ALLOW_API_HOST="true",
    )
    # then
    assert refused.returncode != 0
    assert "ImproperlyConfigured: STRIPE_API_HOST is set while DEBUG is off" in refused.stderr
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.strip() == "http://stripe-emulator.internal:12111"


def test_check_deploy_is_clean_with_production_like_environment():
    # when
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    # then
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output
    assert "System check identified no issues (0 silenced)." in output


def test_check_deploy_would_flag_a_weak_secret_key():
    # given: the same environment with a short, guessable key
    env = {**PRODUCTION, "SECRET_KEY": "too-short"}
    # when
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    # then
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr
