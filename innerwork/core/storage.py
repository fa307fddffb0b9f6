"""Where uploaded files live: public media (course covers) and private media (lesson files).

Both go through Django's storage API (`storages["default"]`, `storages["private"]`), so production can swap
either for object storage in `STORAGES` without touching the code that reads or writes them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.utils.functional import cached_property
from django.views.static import serve


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT with no public URL: only an access-checking view hands them out."""

    def __init__(self, **kwargs):
        kwargs.setdefault("base_url", None)
        super().__init__(**kwargs)
        setting_changed.connect(self._private_root_changed)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _private_root_changed(self, *, setting, **kwargs):
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("Private media has no public URL; link to the view that checks access.")


def private_storage():
    """The storage of lesson media (a callable, so FileFields follow the STORAGES setting)."""
    return storages["private"]


def serve_public_media(request, path):
    """MEDIA_URL in the demo and tests (SERVE_MEDIA); a web server or object storage serves it in production."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)
