"""pytest fixtures for tests that talk to Stripe through the emulator.

Use them with `pytest_plugins = ["stripe_emulator.pytest_plugin"]` in the root conftest.py (as InnerWork
does), and only there: pytest sets up a session fixture once for each place that defines it, so importing
these fixtures into a conftest.py or test module as well starts one more emulator per test process.

- `stripe_emulator_session` (session): one emulator subprocess per test process (each xdist worker
  gets its own, on its own free port), webhook back-off compressed 1000 times.
- `stripe_emulator` (function): the same emulator, reset before the test, with stripe-python's global
  `api_base`/`api_key` pointed at it during the test.
- `stripe_emulator_django` (function, needs pytest-django): `stripe_emulator` plus the Django settings
  dj-stripe reads (`STRIPE_API_HOST`, `STRIPE_TEST_SECRET_KEY`, `STRIPE_LIVE_MODE=False`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from stripe_emulator.testing import EmulatorHandle, run_emulator

__all__ = ["stripe_emulator", "stripe_emulator_django", "stripe_emulator_session"]


@pytest.fixture(scope="session")
def stripe_emulator_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHandle]:
    with run_emulator(tmp_path_factory.mktemp("stripe-emulator")) as handle:
        yield handle


@pytest.fixture
def stripe_emulator(stripe_emulator_session: EmulatorHandle) -> Iterator[EmulatorHandle]:
    stripe_emulator_session.reset()
    with stripe_emulator_session.configure_stripe():
        yield stripe_emulator_session


@pytest.fixture
def stripe_emulator_django(stripe_emulator: EmulatorHandle, settings) -> EmulatorHandle:
    settings.STRIPE_API_HOST = stripe_emulator.url
    settings.STRIPE_TEST_SECRET_KEY = stripe_emulator.api_key
    settings.STRIPE_LIVE_MODE = False
    return stripe_emulator
