from django import forms

from courses.models.reviews import RATING_MAX, RATING_MIN, REVIEW_TEXT_MAX_LENGTH

RATING_LABELS = {1: "1 – Poor", 2: "2 – Fair", 3: "3 – Good", 4: "4 – Very good", 5: "5 – Excellent"}


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        coerce=int,
        choices=[(value, RATING_LABELS[value]) for value in range(RATING_MAX, RATING_MIN - 1, -1)],
        widget=forms.RadioSelect,
        label="Your rating",
    )
    text = forms.CharField(
        required=False,
        max_length=REVIEW_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Your review",
        help_text="Plain text: what helped you, and who you would recommend it to.",
    )
