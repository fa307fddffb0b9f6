"""Lesson files, streamed only to those who may read the lesson; everyone else gets a 404.

The files live in `storages["private"]`, which has no public URL. Each request is checked here
(courses.selectors.media.lesson_readable_by) and answered with the file itself (FileResponse, streamed in
chunks; a single `Range` gets a 206 so a video player can seek), or, with PRIVATE_MEDIA_ACCEL_PREFIX set,
with an `X-Accel-Redirect` header so nginx streams it from an `internal` location after Django said yes:

    location /_private-media/ { internal; alias /srv/innerwork/private-media/; }

With object storage instead, swap the FileResponse for a redirect to a short-lived signed URL.
"""

import re

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from courses.models import LessonResource, LessonVideo
from courses.selectors.media import lesson_readable_by

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK_BYTES = 64 * 1024


def _byte_range(match: re.Match, size: int) -> tuple[int, int] | None:
    """(first, last) byte of `bytes=a-b` (or `a-`, or `-n` for the last n); None when the file has none of them."""
    first, last = match.groups()
    if first == "":
        length = int(last)
        return (max(size - length, 0), size - 1) if length > 0 and size > 0 else None
    start, end = int(first), min(int(last), size - 1) if last else size - 1
    return (start, end) if start <= end and start < size else None


def _chunks(handle, *, start: int, length: int):
    with handle:
        handle.seek(start)
        while length > 0:
            data = handle.read(min(CHUNK_BYTES, length))
            if not data:
                return
            length -= len(data)
            yield data


def _ranged_response(request, handle, *, size: int, content_type: str) -> HttpResponse | None:
    """A 206 for one byte range (a video player seeking), a 416 for one outside the file; None otherwise."""
    match = RANGE.match(request.headers.get("Range", "").strip())
    if match is None or match.groups() == ("", ""):
        return None  # no Range, or one we do not serve (several ranges): the whole file, as RFC 9110 allows
    byte_range = _byte_range(match, size)
    if byte_range is None:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    start, end = byte_range
    response = StreamingHttpResponse(
        _chunks(handle, start=start, length=end - start + 1), status=206, content_type=content_type
    )
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    return response


def _private_file(request, fieldfile, *, content_type: str, filename: str, as_attachment: bool) -> HttpResponse:
    if not fieldfile.name:
        raise Http404("No such file")
    prefix = settings.PRIVATE_MEDIA_ACCEL_PREFIX
    disposition = "attachment" if as_attachment else "inline"
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + fieldfile.name
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    else:
        try:
            handle = fieldfile.storage.open(fieldfile.name, "rb")
            size = fieldfile.storage.size(fieldfile.name)
        except FileNotFoundError as exc:
            raise Http404("No such file") from exc
        response = _ranged_response(request, handle, size=size, content_type=content_type)
        if response is None:
            response = FileResponse(handle, as_attachment=as_attachment, filename=filename, content_type=content_type)
        else:
            response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
        response["Accept-Ranges"] = "bytes"
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
        request,
        video.file,
        content_type=video.content_type,
        filename=f"lesson-{lesson.pk}.{extension}",
        as_attachment=False,
    )


@require_safe
def lesson_captions(request, lesson_id):
    lesson = _readable_lesson(request, lesson_id)
    video = get_object_or_404(LessonVideo, lesson=lesson)
    return _private_file(
        request,
        video.captions,
        content_type="text/vtt; charset=utf-8",
        filename=f"lesson-{lesson.pk}.vtt",
        as_attachment=False,
    )


@require_safe
def lesson_resource(request, lesson_id, resource_id):
    lesson = _readable_lesson(request, lesson_id)
    resource = get_object_or_404(LessonResource, lesson=lesson, pk=resource_id)
    return _private_file(
        request, resource.file, content_type=resource.content_type, filename=resource.filename, as_attachment=True
    )
