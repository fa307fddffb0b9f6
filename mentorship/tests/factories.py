import factory

from innerwork.accounts.tests.factories import UserFactory
from mentorship.models import Expertise, Language, MentorProfile


class ExpertiseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expertise
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"expertise-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = "en"
    name = factory.LazyAttribute(lambda o: {"en": "English", "de": "German", "es": "Spanish"}.get(o.code, o.code))


class MentorProfileFactory(factory.django.DjangoModelFactory):
    """A mentor waiting for approval at 120.00 an hour, offering 30 and 60 minutes; pass status to arrange another."""

    class Meta:
        model = MentorProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    slug = factory.Sequence(lambda n: f"mentor-{n}")
    headline = "Helps new managers lead their first team"
    bio = "Twelve years of leading product teams."
    hourly_rate_amount = 12000
    currency = "usd"
    session_lengths = factory.LazyFunction(lambda: [30, 60])

    @factory.post_generation
    def expertise(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.expertise.add(*extracted)

    @factory.post_generation
    def languages(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.languages.add(*extracted)
