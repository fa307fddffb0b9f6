"""A local, stateful Stripe API for development, demos and tests; never imported by the product.

Start it with `python -m stripe_emulator --port 12111 --data-dir .stripe-emulator` and point stripe-python
(dj-stripe's `STRIPE_API_HOST`) at it. See README.md for the API surface, the hosted pages, webhooks and the
control API; `stripe_emulator.testing` and `stripe_emulator.pytest_plugin` run it from tests.
"""

__version__ = "1.0.0"
