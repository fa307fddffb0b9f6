from django import forms
from django.db import models

from courses.models import InstructorProfile

PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_TOO_LARGE = "The photo is too large: at most 2 MB."


def _form_field(field: models.Field, **kwargs):
    # A link typed without a scheme ("example.com") is taken as https.
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class InstructorProfileForm(forms.ModelForm):
    class Meta:
        model = InstructorProfile
        fields = ("headline", "bio", "photo", "website_url", "linkedin_url", "youtube_url")
        widgets = {"bio": forms.Textarea(attrs={"rows": 10})}
        formfield_callback = _form_field

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and getattr(photo, "size", 0) > PHOTO_MAX_BYTES:
            raise forms.ValidationError(PHOTO_TOO_LARGE, code="size")
        return photo
