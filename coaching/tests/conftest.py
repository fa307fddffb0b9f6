from commerce.tests.stripe_fixtures import emulator  # noqa: F401  (the Stripe emulator, used by name)
