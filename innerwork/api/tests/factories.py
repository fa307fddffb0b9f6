import factory

from innerwork.api.keys import SCOPES, api_key_create
from innerwork.api.models import Partner


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    contact_email = factory.Sequence(lambda n: f"ops{n}@partner.example")
    allowed_redirect_hosts = factory.LazyFunction(lambda: ["portal.example.com"])


def key_for(partner: Partner | None = None, *, scopes=tuple(SCOPES), name: str = "tests") -> str:
    """A new key's secret (the only way to get one), made through the same service as in admin."""
    return api_key_create(partner=partner or PartnerFactory(), name=name, scopes=list(scopes)).raw


def with_key(client, *, scopes=tuple(SCOPES)):
    """Django's test client sending a new partner key with these scopes on every request."""
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key_for(scopes=scopes)}"
    return client
