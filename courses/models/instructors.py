from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils.deconstruct import deconstructible

from innerwork.core.models import TimeStampedModel

LINKEDIN_HOSTS = ("linkedin.com", "www.linkedin.com")
NOT_A_LINKEDIN_URL = "Enter a LinkedIn address (https://www.linkedin.com/in/…)."
YOUTUBE_HOSTS = ("youtube.com", "www.youtube.com", "m.youtube.com")
NOT_A_YOUTUBE_URL = "Enter a YouTube address (https://www.youtube.com/@…)."

# Only web addresses: no javascript:, data: or ftp: links on a public page.
web_url = URLValidator(schemes=["http", "https"])


@deconstructible
class HostValidator:
    """The address must be on one of these hosts (a LinkedIn link that really goes to LinkedIn)."""

    def __init__(self, hosts: tuple[str, ...], message: str):
        self.hosts, self.message = tuple(hosts), message

    def __call__(self, value: str) -> None:
        if value and (urlsplit(value).hostname or "").lower() not in self.hosts:
            raise ValidationError(self.message, code="host")

    def __eq__(self, other):
        return isinstance(other, HostValidator) and (self.hosts, self.message) == (other.hosts, other.message)


class InstructorProfile(TimeStampedModel):
    """The public page of somebody who teaches: `/instructors/<slug>/`.

    Created when needed (courses.instructors.services.instructor_profile_ensure): when a course
    names its instructor, or when they first open their edit page. Their figures (courses,
    learners, rating) are read from their courses' stored figures, never stored here.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="instructor_profile")
    slug = models.SlugField(max_length=80, unique=True)
    headline = models.CharField(max_length=120, blank=True, help_text="One line under your name.")
    bio = models.TextField(blank=True, help_text="Markdown. Raw HTML is sanitised when shown.")
    photo = models.ImageField(upload_to="instructors/", blank=True, help_text="Square; initials are shown without one.")
    website_url = models.URLField(blank=True, validators=[web_url], verbose_name="website")
    linkedin_url = models.URLField(
        blank=True, validators=[web_url, HostValidator(LINKEDIN_HOSTS, NOT_A_LINKEDIN_URL)], verbose_name="LinkedIn"
    )
    youtube_url = models.URLField(
        blank=True, validators=[web_url, HostValidator(YOUTUBE_HOSTS, NOT_A_YOUTUBE_URL)], verbose_name="YouTube"
    )

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.user.get_full_name()

    def get_absolute_url(self):
        return reverse("courses:instructor", kwargs={"slug": self.slug})

    @property
    def links(self) -> list[tuple[str, str]]:
        """(label, url) of each link the instructor filled in."""
        named = (("Website", self.website_url), ("LinkedIn", self.linkedin_url), ("YouTube", self.youtube_url))
        return [(label, url) for label, url in named if url]
