"""Staff console for media: a course's cover (on the course form) and a lesson's video and downloads.

Uploads are checked by their content (courses.media_validation) as the form is cleaned, so a refused file
is shown as the field's error; the file is stored by courses.media_services when the object is saved.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html

from courses import media_services
from courses.media_validation import captions_check, cover_image_check, resource_check, video_check
from courses.models import LessonResource, LessonVideo

COVER_HELP = "JPEG, PNG or WebP, at least 320 pixels wide. Resized for every page; leave empty to keep the current one."


class CoverUploadFormMixin(forms.Form):
    """Two fields for CourseAdminForm: upload a new cover, or go back to the generated one."""

    cover_upload = forms.FileField(label="Cover image", required=False, help_text=COVER_HELP)
    remove_cover = forms.BooleanField(label="Remove the uploaded cover", required=False)

    def clean_cover_upload(self):
        upload = self.cleaned_data.get("cover_upload")
        if upload:
            cover_image_check(upload)
        return upload


class CoverUploadAdminMixin:
    """For CourseAdmin: store the cleaned upload (or remove the cover) once the course itself is saved."""

    cover_fieldset = ("Cover", {"fields": ("cover_preview", "cover_upload", "remove_cover")})

    @admin.display(description="current cover")
    def cover_preview(self, course):
        if not course.cover_renditions:
            return "None: pages draw a generated cover in the category's colour."
        first = course.cover_renditions[0]
        return format_html(
            '<img src="{}" width="200" alt=""> {} renditions, up to {} px wide',
            default_storage.url(first["name"]),
            len(course.cover_renditions),
            course.cover_renditions[-1]["width"],
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("cover_upload"):
            media_services.course_cover_set(course=obj, upload=form.cleaned_data["cover_upload"])
        elif form.cleaned_data.get("remove_cover") and obj.cover_renditions:
            media_services.course_cover_clear(course=obj)


class LessonVideoForm(forms.ModelForm):
    upload = forms.FileField(label="Video file", required=False, help_text="MP4 or WebM.")
    captions_upload = forms.FileField(label="Captions", required=False, help_text="WebVTT (.vtt), optional.")

    class Meta:
        model = LessonVideo
        fields = ("lesson", "captions_language", "captions_label")

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            video_check(upload)
        elif not self.instance.pk:
            raise ValidationError("Choose a video file.")
        return upload

    def clean_captions_upload(self):
        upload = self.cleaned_data.get("captions_upload")
        if upload:
            captions_check(upload)
        return upload


@admin.register(LessonVideo)
class LessonVideoAdmin(admin.ModelAdmin):
    form = LessonVideoForm
    list_display = ("lesson", "content_type", "size", "has_captions")
    list_select_related = ("lesson__module__course",)
    search_fields = ("lesson__title", "lesson__module__course__title")
    autocomplete_fields = ("lesson",)

    @admin.display(description="size", ordering="size_bytes")
    def size(self, video):
        return filesizeformat(video.size_bytes)

    @admin.display(description="captions", boolean=True)
    def has_captions(self, video):
        return bool(video.captions)

    def save_model(self, request, obj, form, change):
        upload, captions = form.cleaned_data.get("upload"), form.cleaned_data.get("captions_upload")
        language, label = obj.captions_language, obj.captions_label
        if upload:
            stored = media_services.lesson_video_set(
                lesson=obj.lesson, upload=upload, captions=captions, captions_language=language, captions_label=label
            )
            obj.pk = stored.pk
            return
        if captions:
            media_services.lesson_video_captions_set(
                video=obj, captions=captions, captions_language=language, captions_label=label
            )
            return
        obj.save(update_fields=["captions_language", "captions_label"])

    def delete_model(self, request, obj):
        media_services.lesson_video_remove(video=obj)

    def delete_queryset(self, request, queryset):
        for video in queryset:
            media_services.lesson_video_remove(video=video)


class LessonResourceForm(forms.ModelForm):
    upload = forms.FileField(
        label="File", required=False, help_text="PDF, DOCX, XLSX, PPTX, ODT, ODS, ZIP, TXT, MD or CSV."
    )

    class Meta:
        model = LessonResource
        fields = ("lesson", "title", "position")

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            resource_check(upload)
        elif not self.instance.pk:
            raise ValidationError("Choose a file.")
        return upload


@admin.register(LessonResource)
class LessonResourceAdmin(admin.ModelAdmin):
    form = LessonResourceForm
    list_display = ("title", "lesson", "filename", "size", "position")
    list_select_related = ("lesson__module__course",)
    search_fields = ("title", "filename", "lesson__title", "lesson__module__course__title")
    autocomplete_fields = ("lesson",)
    readonly_fields = ("filename", "content_type", "size_bytes")

    @admin.display(description="size", ordering="size_bytes")
    def size(self, resource):
        return filesizeformat(resource.size_bytes)

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("upload")
        if upload and obj.pk:
            obj.save(update_fields=["lesson", "title", "position"])
            media_services.lesson_resource_file_replace(resource=obj, upload=upload)
        elif upload:
            stored = media_services.lesson_resource_add(
                lesson=obj.lesson, upload=upload, title=obj.title, position=obj.position
            )
            obj.pk = stored.pk
        else:
            obj.save(update_fields=["lesson", "title", "position"])

    def delete_model(self, request, obj):
        media_services.lesson_resource_remove(resource=obj)

    def delete_queryset(self, request, queryset):
        for resource in queryset:
            media_services.lesson_resource_remove(resource=resource)
