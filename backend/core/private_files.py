"""Private files (evidence documents, household papers): stored outside MEDIA_ROOT, never
served by the web server, handed out only through short-lived signed URLs.

`signed_url(field_file)` signs the file's storage name with Django's signing (salted, with the
SECRET_KEY) and a timestamp; `/private/<token>/` (`serve`) checks the signature and its age
(`PRIVATE_FILE_URL_MAX_AGE` seconds, five minutes by default) before streaming the file. A
link copied out of a page stops working after that, and a name cannot be guessed into a link.
Callers decide who may get a URL (the poverty registry: county staff, audit-logged).
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.urls import reverse
from django.views.decorators.http import require_GET

SALT = "backend.core.private_files"


def _root() -> Path:
    default = Path(settings.MEDIA_ROOT).parent / "private"
    return Path(getattr(settings, "PRIVATE_MEDIA_ROOT", default))


class PrivateStorage(FileSystemStorage):
    """The file system below PRIVATE_MEDIA_ROOT; its files have no public URL."""

    # Read from the settings at each use, so a changed PRIVATE_MEDIA_ROOT (tests, a
    # deployment's environment) applies to every field without re-importing the models.
    @property
    def base_location(self):  # type: ignore[override]
        return str(_root())

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("private files are served only through signed_url()")


def private_storage() -> PrivateStorage:
    """The storage of private FileFields (a callable, so migrations name it, not a path)."""
    return PrivateStorage()


def max_age() -> int:
    return int(getattr(settings, "PRIVATE_FILE_URL_MAX_AGE", 300))


def sign(name: str) -> str:
    return signing.dumps(name, salt=SALT, compress=True)


def signed_url(file) -> str:
    """A URL for the private `file` (a FieldFile or a storage name), valid for max_age()."""
    name = getattr(file, "name", file)
    if not name:
        return ""
    return reverse("private-file", args=[sign(name)])


def name_from_token(token: str) -> str | None:
    try:
        name = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.BadSignature:  # includes SignatureExpired
        return None
    return name if isinstance(name, str) else None


@require_GET
def serve(request, token: str):
    name = name_from_token(token)
    storage = private_storage()
    if name is None or not storage.exists(name):
        raise Http404("expired or unknown link")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
