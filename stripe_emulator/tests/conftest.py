"""Fixtures for the emulator's own tests: one emulator per test process, reset before every test."""

import pytest
import stripe


@pytest.fixture
def emulator(stripe_emulator):
    """The emulator with stripe-python pointed at it; stripe-python's own retries are off so faults surface."""
    saved = stripe.max_network_retries
    stripe.max_network_retries = 0
    yield stripe_emulator
    stripe.max_network_retries = saved
