"""Writes for course covers and lesson media. Every file is checked by courses.media_validation first.

Covers are public (`storages["default"]`, under MEDIA_URL); their renditions are made once, here, at
upload, never per request. Lesson files go to `storages["private"]` and are read back only by
courses.views.media after an access check. Replaced or removed files are deleted after the row is saved.
"""

from __future__ import annotations

import secrets
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, ImageOps

from courses.covers import COVER_WIDTHS
from courses.media_validation import (
    captions_check,
    cover_image_check,
    resource_check,
    safe_filename,
    video_check,
)
from courses.models import Course, Lesson, LessonResource, LessonVideo

COVER_QUALITY = 82
# libwebp effort 0-6: 2 makes files within 1 % of 4 in half the time (measured on the demo covers).
WEBP_EFFORT = 2


def _token() -> str:
    return secrets.token_hex(4)


def _delete_after_commit(storage, names: list[str]) -> None:
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


def _flattened(image: Image.Image) -> Image.Image:
    """RGB, with any transparency laid on white (a cover is shown on a white card)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _cover_rendition(image: Image.Image, width: int) -> tuple[bytes, int, int]:
    height = max(1, round(image.height * width / image.width))
    resized = image.resize((width, height), Image.Resampling.LANCZOS) if width != image.width else image
    out = BytesIO()
    resized.save(out, format="WEBP", quality=COVER_QUALITY, method=WEBP_EFFORT)
    return out.getvalue(), width, height


def course_cover_set(*, course: Course, upload) -> Course:
    """Store a new cover and its WebP renditions (COVER_WIDTHS no wider than the original); drop the old ones.

    Raises ValidationError (courses.media_validation) before anything is written when the upload is not an
    allowed image. The original is kept too (re-encoded, without its metadata), so renditions can be remade at
    other widths later.
    """
    checked = cover_image_check(upload)
    upload.seek(0)
    with Image.open(upload) as opened:
        image = _flattened(ImageOps.exif_transpose(opened))
    base = f"covers/{course.pk}/{safe_filename(course.slug, default='cover')}-{_token()}"
    widths = [w for w in COVER_WIDTHS if w < image.width] + [min(image.width, COVER_WIDTHS[-1])]
    renditions = []
    for width in sorted(set(widths)):
        data, w, h = _cover_rendition(image, width)
        name = default_storage.save(f"{base}-{w}w.webp", ContentFile(data))
        renditions.append({"width": w, "height": h, "name": name})
    # The original is kept re-encoded, not as uploaded: public media must not carry the camera's EXIF
    # (location, device) along with the picture.
    original_bytes = BytesIO()
    if checked.format == "PNG":
        image.save(original_bytes, format="PNG")
    else:
        image.save(original_bytes, format="JPEG", quality=92)
    extension = "png" if checked.format == "PNG" else "jpg"
    original = default_storage.save(f"{base}-original.{extension}", ContentFile(original_bytes.getvalue()))
    old = [course.cover_image.name, *(r["name"] for r in course.cover_renditions or [])]
    with transaction.atomic():
        course.cover_image.name = original
        course.cover_renditions = renditions
        course.save(update_fields=["cover_image", "cover_renditions", "updated_at"])
        _delete_after_commit(default_storage, old)
    return course


def course_cover_clear(*, course: Course) -> Course:
    """Remove the uploaded cover: pages draw the generated cover again."""
    old = [course.cover_image.name, *(r["name"] for r in course.cover_renditions or [])]
    with transaction.atomic():
        course.cover_image.name = ""
        course.cover_renditions = []
        course.save(update_fields=["cover_image", "cover_renditions", "updated_at"])
        _delete_after_commit(default_storage, old)
    return course


def lesson_video_set(
    *, lesson: Lesson, upload, captions=None, captions_language: str = "en", captions_label: str = "English"
) -> LessonVideo:
    """Attach (or replace) the lesson's video, with captions when given; the files it replaces are deleted."""
    content_type = video_check(upload)
    if captions is not None:
        captions_check(captions)
    video = LessonVideo.objects.filter(lesson=lesson).first() or LessonVideo(lesson=lesson)
    storage = LessonVideo._meta.get_field("file").storage
    old = [video.file.name] if video.pk else []
    extension = "mp4" if content_type == "video/mp4" else "webm"
    video.file.save(f"lesson-{lesson.pk}-{_token()}.{extension}", upload, save=False)
    video.content_type = content_type
    video.size_bytes = upload.size
    if captions is not None:
        old.append(video.captions.name)
        video.captions.save(f"lesson-{lesson.pk}-{_token()}.vtt", captions, save=False)
        video.captions_language = captions_language
        video.captions_label = captions_label
    with transaction.atomic():
        video.save()
        _delete_after_commit(storage, old)
    return video


def lesson_video_captions_set(
    *, video: LessonVideo, captions, captions_language: str = "en", captions_label: str = "English"
) -> LessonVideo:
    """Add or replace the captions of a lesson's video; the file they replace is deleted."""
    captions_check(captions)
    storage = LessonVideo._meta.get_field("captions").storage
    old = video.captions.name
    video.captions.save(f"lesson-{video.lesson_id}-{_token()}.vtt", captions, save=False)
    video.captions_language = captions_language
    video.captions_label = captions_label
    with transaction.atomic():
        video.save()
        _delete_after_commit(storage, [old])
    return video


def lesson_video_remove(*, video: LessonVideo) -> None:
    storage = LessonVideo._meta.get_field("file").storage
    with transaction.atomic():
        names = [video.file.name, video.captions.name]
        video.delete()
        _delete_after_commit(storage, names)


def _resource_file_store(*, resource: LessonResource, upload) -> None:
    resource_type = resource_check(upload)
    resource.filename = safe_filename(upload.name, default="download")
    resource.content_type = resource_type.content_type
    resource.size_bytes = upload.size
    stem, _, extension = resource.filename.rpartition(".")
    resource.file.save(f"{stem}-{_token()}.{extension}", upload, save=False)


def lesson_resource_add(*, lesson: Lesson, upload, title: str = "", position: int = 0) -> LessonResource:
    """Attach a download to the lesson under a sanitised name; its title defaults to that name."""
    resource = LessonResource(lesson=lesson, position=position)
    _resource_file_store(resource=resource, upload=upload)
    resource.title = (title or resource.filename).strip()[:120]
    resource.save()
    return resource


def lesson_resource_file_replace(*, resource: LessonResource, upload) -> LessonResource:
    """Put a new file behind an existing download (same title and place); the old file is deleted."""
    storage = LessonResource._meta.get_field("file").storage
    old = resource.file.name
    _resource_file_store(resource=resource, upload=upload)
    with transaction.atomic():
        resource.save()
        _delete_after_commit(storage, [old])
    return resource


def lesson_resource_remove(*, resource: LessonResource) -> None:
    storage = LessonResource._meta.get_field("file").storage
    with transaction.atomic():
        name = resource.file.name
        resource.delete()
        _delete_after_commit(storage, [name])
