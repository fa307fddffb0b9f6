from django import forms

from courses.models import InstructorProfile

PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_TOO_LARGE = "The photo is too large: at most 2 MB."


class InstructorProfileForm(forms.ModelForm):
    # A link typed without a scheme ("example.com") is taken as https.
    website_url = forms.URLField(required=False, assume_scheme="https", label="Website")
    linkedin_url = forms.URLField(required=False, assume_scheme="https", label="LinkedIn")
    youtube_url = forms.URLField(required=False, assume_scheme="https", label="YouTube")

    class Meta:
        model = InstructorProfile
        fields = ("headline", "bio", "photo", "website_url", "linkedin_url", "youtube_url")
        widgets = {"bio": forms.Textarea(attrs={"rows": 10})}

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and getattr(photo, "size", 0) > PHOTO_MAX_BYTES:
            raise forms.ValidationError(PHOTO_TOO_LARGE, code="size")
        return photo
