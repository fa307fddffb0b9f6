"""Files for media tests, made in memory: real images (Pillow), a PDF, an Office document, video signatures."""

from __future__ import annotations

import os
import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# The first box of an MP4 ("ftyp") and the EBML header of a WebM: what video_check sniffs.
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
WEBM = b"\x1a\x45\xdf\xa3" + b"\x00" * 64
VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nBreathe in.\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="800" height="450"><rect width="800" height="450"/></svg>'


def image_bytes(image_format: str = "JPEG", size: tuple[int, int] = (1600, 900), colour=(30, 90, 160)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, format=image_format)
    return out.getvalue()


def noise_png(side: int = 300) -> bytes:
    """A PNG that cannot be compressed: random pixels, about 3 bytes a pixel."""
    out = BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, format="PNG")
    return out.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def media_dirs(settings, tmp_path):
    """Public and private media in this test's own folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path
