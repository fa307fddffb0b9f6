"""Staff edit exercises from their lesson: lesson → exercises (inline) → an exercise's options (inline).

Learners' attempts and reflections are not shown here: reflections are private to the learner.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html

from courses.models import Exercise, ExerciseOption

NEEDS_TWO_OPTIONS = "A multiple-choice question needs at least two options."
NEEDS_A_CORRECT_OPTION = "Mark at least one option as correct."
REFLECTION_HAS_NO_OPTIONS = "A reflection is answered in the learner's own words: remove its options."


class ExerciseInline(admin.TabularInline):
    """On the lesson page: the lesson's exercises in order, each with a link to edit its options."""

    model = Exercise
    fields = ("position", "kind", "prompt", "options_summary")
    readonly_fields = ("options_summary",)
    ordering = ("position", "id")
    extra = 0
    formfield_overrides = {Exercise._meta.get_field("prompt").__class__: {"widget": forms.Textarea(attrs={"rows": 2})}}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(option_count=Count("options"), correct_count=Count("options", filter=Q(options__is_correct=True)))
        )

    @admin.display(description="options")
    def options_summary(self, exercise):
        if not exercise.pk:
            return "Save the lesson, then add the options."
        url = reverse("admin:courses_exercise_change", args=[exercise.pk])
        if exercise.kind == Exercise.Kind.REFLECTION:
            return format_html('Free text · <a href="{}">edit</a>', url)
        return format_html(
            '{} options, {} correct · <a href="{}">edit options</a>', exercise.option_count, exercise.correct_count, url
        )


class ExerciseOptionFormSet(forms.BaseInlineFormSet):
    """A multiple-choice question has at least two options and one correct; a reflection has none."""

    def clean(self):
        super().clean()
        kept = [form.cleaned_data for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        if self.instance.kind == Exercise.Kind.REFLECTION:
            if kept:
                raise forms.ValidationError(REFLECTION_HAS_NO_OPTIONS)
            return
        if len(kept) < 2:
            raise forms.ValidationError(NEEDS_TWO_OPTIONS)
        if not any(data.get("is_correct") for data in kept):
            raise forms.ValidationError(NEEDS_A_CORRECT_OPTION)


class ExerciseOptionInline(admin.StackedInline):
    model = ExerciseOption
    formset = ExerciseOptionFormSet
    fields = (("position", "text", "is_correct"), "feedback")
    ordering = ("position", "id")
    extra = 0
    formfield_overrides = {
        ExerciseOption._meta.get_field("feedback").__class__: {"widget": forms.Textarea(attrs={"rows": 2})}
    }


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    """Reached from its lesson ("edit options"); the options are edited inline here."""

    list_display = ("prompt", "kind", "lesson", "position")
    list_select_related = ("lesson",)
    search_fields = ("prompt", "lesson__title")
    autocomplete_fields = ("lesson",)
    fields = ("lesson", "kind", "position", "prompt")
    inlines = (ExerciseOptionInline,)

    def has_module_permission(self, request):
        return False  # kept off the admin index: exercises are managed from their lesson
