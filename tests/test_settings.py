"""Production mode refuses to start with development defaults (12-factor settings)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    "COUNTY_MARKET_ENV": "production",
    "DEBUG": "0",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "market.example.cn",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/countymarket",
    "FIELD_ENCRYPTION_KEYS": "zQ2sDbdOPjvKHu3v9nBcdlG6NMBvYKnUl0_ULLMflgo=",
}


def _load_settings(**overrides: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in GOOD}
    for key, value in {**GOOD, **overrides}.items():
        if value is not None:
            env[key] = value
    env["DJANGO_SETTINGS_MODULE"] = "backend.settings"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_starts_with_safe_settings():
    result = _load_settings()
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"DEBUG": "1"}, "DEBUG is on"),
        ({"SECRET_KEY": None}, "SECRET_KEY is the development default"),
        ({"SECRET_KEY": "short"}, "shorter than 32 characters"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS is empty"),
        ({"DATABASE_URL": None}, "DATABASE_URL is not set"),
        ({"FIELD_ENCRYPTION_KEYS": None}, "FIELD_ENCRYPTION_KEYS is not set"),
        ({"FIELD_ENCRYPTION_KEYS": "not-a-key"}, "not a Fernet key"),
    ],
)
def test_production_refuses_unsafe_settings(overrides, reason):
    result = _load_settings(**overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert reason in result.stderr
