from commerce.tests.inbox_fixtures import inbox_endpoint  # noqa: F401  (fixture used by name)
from commerce.tests.stripe_fixtures import buyer, emulator, webhooks  # noqa: F401  (fixtures used by name)
