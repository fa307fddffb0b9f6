"""Lesson files, streamed only to those who may read the lesson; everyone else gets a 404.

The files live in `storages["private"]`, which has no public URL. Each request is checked here
(courses.selectors.media.lesson_readable_by) and answered with the file itself (FileResponse, streamed in
chunks), or, with PRIVATE_MEDIA_ACCEL_PREFIX set, with an `X-Accel-Redirect` header so nginx streams it
from an `internal` location after Django said yes:

    location /_private-media/ { internal; alias /srv/innerwork/private-media/; }

With object storage instead, swap the FileResponse for a redirect to a short-lived signed URL.
"""

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from courses.models import LessonResource, LessonVideo
from courses.selectors.media import lesson_readable_by


def _private_file(fieldfile, *, content_type: str, filename: str, as_attachment: bool) -> HttpResponse:
    if not fieldfile.name:
        raise Http404("No such file")
    prefix = settings.PRIVATE_MEDIA_ACCEL_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + fieldfile.name
        disposition = "attachment" if as_attachment else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    else:
        try:
            handle = fieldfile.storage.open(fieldfile.name, "rb")
        except FileNotFoundError as exc:
            raise Http404("No such file") from exc
        response = FileResponse(handle, as_attachment=as_attachment, filename=filename, content_type=content_type)
    # Only this person may see it: never kept by a shared cache.
    patch_cache_control(response, private=True, max_age=3600)
    return response


def _readable_lesson(request, lesson_id: int):
    lesson = lesson_readable_by(user=request.user, lesson_id=lesson_id)
    if lesson is None:
        raise Http404("No such lesson")
    return lesson


@require_safe
def lesson_video(request, lesson_id):
    lesson = _readable_lesson(request, lesson_id)
    video = get_object_or_404(LessonVideo, lesson=lesson)
    extension = "mp4" if video.content_type == "video/mp4" else "webm"
    return _private_file(
        video.file, content_type=video.content_type, filename=f"lesson-{lesson.pk}.{extension}", as_attachment=False
    )


@require_safe
def lesson_captions(request, lesson_id):
    lesson = _readable_lesson(request, lesson_id)
    video = get_object_or_404(LessonVideo, lesson=lesson)
    return _private_file(
        video.captions, content_type="text/vtt; charset=utf-8", filename=f"lesson-{lesson.pk}.vtt", as_attachment=False
    )


@require_safe
def lesson_resource(request, lesson_id, resource_id):
    lesson = _readable_lesson(request, lesson_id)
    resource = get_object_or_404(LessonResource, lesson=lesson, pk=resource_id)
    return _private_file(
        resource.file, content_type=resource.content_type, filename=resource.filename, as_attachment=True
    )
