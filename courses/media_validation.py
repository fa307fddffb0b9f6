"""What an upload must be before it is stored: checked by its content, never by its name alone.

A cover must decode as a JPEG, PNG or WebP image (Pillow) within COURSE_COVER_MAX_BYTES and
COURSE_COVER_MAX_PIXELS; a video must carry an MP4 or WebM signature; captions must be WebVTT; a download
must be one of RESOURCE_TYPES and look like it inside (a PDF starts with "%PDF-", an Office or
OpenDocument file is a zip holding that format's parts, a text file decodes as UTF-8). Each refusal is a
ValidationError with one of the messages below, shown to staff as the field's error.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from PIL import Image, UnidentifiedImageError

COVER_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
COVER_NOT_AN_IMAGE = "This file isn't a JPEG, PNG or WebP image (its content was checked, not its name)."
COVER_TOO_MANY_BYTES = "The cover is {size}; covers can be at most {limit}."
COVER_TOO_MANY_PIXELS = "The cover is {width}×{height} pixels; covers can be at most {limit} pixels on each side."
COVER_TOO_SMALL = "The cover is {width}×{height} pixels; it needs at least {minimum} pixels across to look sharp."
COVER_MIN_WIDTH = 320

VIDEO_NOT_A_VIDEO = "This file isn't an MP4 or WebM video (its content was checked, not its name)."
VIDEO_TOO_MANY_BYTES = "The video is {size}; videos can be at most {limit}."
CAPTIONS_NOT_WEBVTT = "Captions must be a WebVTT (.vtt) file in UTF-8 that starts with “WEBVTT”."
CAPTIONS_MAX_BYTES = 2 * 1024 * 1024

RESOURCE_TYPE_REFUSED = "Downloads can be {allowed}; “{name}” isn't one of these."
RESOURCE_CONTENT_MISMATCH = "“{name}” doesn't contain what its name says (a .{ext} file was expected)."
RESOURCE_TOO_MANY_BYTES = "The file is {size}; downloads can be at most {limit}."

SNIFF_BYTES = 64


@dataclass(frozen=True)
class ResourceType:
    content_type: str
    check: str  # "pdf", "text", or "zip:<a member every such file holds>"


RESOURCE_TYPES = {
    "pdf": ResourceType("application/pdf", "pdf"),
    "docx": ResourceType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "zip:word/document.xml"
    ),
    "xlsx": ResourceType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zip:xl/workbook.xml"),
    "pptx": ResourceType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", "zip:ppt/presentation.xml"
    ),
    "odt": ResourceType("application/vnd.oasis.opendocument.text", "zip:mimetype"),
    "ods": ResourceType("application/vnd.oasis.opendocument.spreadsheet", "zip:mimetype"),
    "zip": ResourceType("application/zip", "zip:"),
    "txt": ResourceType("text/plain", "text"),
    "md": ResourceType("text/markdown", "text"),
    "csv": ResourceType("text/csv", "text"),
}


@dataclass(frozen=True)
class CheckedImage:
    format: str  # Pillow's name: JPEG, PNG or WEBP
    width: int
    height: int


def _size_refusal(upload, *, limit: int, message: str) -> None:
    if upload.size > limit:
        raise ValidationError(message.format(size=filesizeformat(upload.size), limit=filesizeformat(limit)))


def _head(upload, count: int = SNIFF_BYTES) -> bytes:
    upload.seek(0)
    head = upload.read(count)
    upload.seek(0)
    return head


def cover_image_check(upload) -> CheckedImage:
    """Decode the upload as an image; refuse anything but a JPEG, PNG or WebP within the limits.

    The image is opened twice: `verify()` reads the whole file (a truncated or forged one fails) but leaves
    the object unusable, so the size is read from a fresh open. SVG is refused: Pillow cannot decode it,
    and a script-capable format has no place as a public upload.
    """
    _size_refusal(upload, limit=settings.COURSE_COVER_MAX_BYTES, message=COVER_TOO_MANY_BYTES)
    limit = settings.COURSE_COVER_MAX_PIXELS
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            if image_format not in COVER_FORMATS:
                raise ValidationError(COVER_NOT_AN_IMAGE)
            if width > limit or height > limit:
                raise ValidationError(COVER_TOO_MANY_PIXELS.format(width=width, height=height, limit=limit))
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(COVER_NOT_AN_IMAGE) from exc
    finally:
        upload.seek(0)
    if width < COVER_MIN_WIDTH:
        raise ValidationError(COVER_TOO_SMALL.format(width=width, height=height, minimum=COVER_MIN_WIDTH))
    return CheckedImage(format=image_format, width=width, height=height)


def video_check(upload) -> str:
    """The video's content type, from its signature: MP4 (an `ftyp` box first) or WebM (EBML header)."""
    _size_refusal(upload, limit=settings.LESSON_VIDEO_MAX_BYTES, message=VIDEO_TOO_MANY_BYTES)
    head = _head(upload, 12)
    if head[4:8] == b"ftyp":
        return "video/mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "video/webm"
    raise ValidationError(VIDEO_NOT_A_VIDEO)


def captions_check(upload) -> None:
    """WebVTT: UTF-8 text whose first line starts with WEBVTT (a byte-order mark allowed)."""
    if upload.size > CAPTIONS_MAX_BYTES:
        raise ValidationError(CAPTIONS_NOT_WEBVTT)
    upload.seek(0)
    raw = upload.read()
    upload.seek(0)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(CAPTIONS_NOT_WEBVTT) from exc
    if not text.startswith("WEBVTT") or "\x00" in text:
        raise ValidationError(CAPTIONS_NOT_WEBVTT)


def _zip_holds(upload, member: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return not member or member in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    finally:
        upload.seek(0)


def _is_text(upload) -> bool:
    upload.seek(0)
    raw = upload.read()
    upload.seek(0)
    if b"\x00" in raw:
        return False
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def resource_check(upload) -> ResourceType:
    """The download's type, when its extension is allowed and its content agrees with it."""
    name = upload.name or ""
    ext = PurePath(name).suffix.lower().lstrip(".")
    allowed = ", ".join(f".{e}" for e in RESOURCE_TYPES)
    resource_type = RESOURCE_TYPES.get(ext)
    if resource_type is None:
        raise ValidationError(RESOURCE_TYPE_REFUSED.format(allowed=allowed, name=PurePath(name).name))
    _size_refusal(upload, limit=settings.LESSON_RESOURCE_MAX_BYTES, message=RESOURCE_TOO_MANY_BYTES)
    check = resource_type.check
    if check == "pdf":
        matches = _head(upload, 5) == b"%PDF-"
    elif check == "text":
        matches = _is_text(upload)
    else:
        matches = _zip_holds(upload, check.removeprefix("zip:"))
    if not matches:
        raise ValidationError(RESOURCE_CONTENT_MISMATCH.format(name=PurePath(name).name, ext=ext))
    return resource_type


def safe_filename(name: str, *, default: str = "file") -> str:
    """A name safe to store and to offer as a download: ASCII slug + lower-case extension, no path."""
    path = PurePath(str(name).replace("\\", "/"))
    stem = slugify(path.stem)[:80] or default
    ext = slugify(path.suffix.lstrip("."))[:10]
    return f"{stem}.{ext}" if ext else stem
