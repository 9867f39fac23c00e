"""A size limit that runs while an uploaded file streams in.

Django checks no file size of its own; a form that looked at ``upload.size`` would only do so
after the whole file had been written to a temporary file. This handler, first in
FILE_UPLOAD_HANDLERS, counts each file's bytes as they arrive: once a file passes the
largest accepted size (IMPORT_MAX_FILE_BYTES, the only upload) the rest of it is read and
dropped, nothing is stored, and the field's name is left in ``request.uploads_too_large`` for
the form to say why.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


def describe_size(size: int) -> str:
    """A byte count as people read it: "200 MB", "512 kB", "900 bytes"."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024)):
        if size >= scale:
            value = size / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


def uploads_too_large(request) -> set[str]:
    """Names of the file fields whose file was dropped for its size."""
    return getattr(request, "uploads_too_large", set())


class SizeLimitedUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.IMPORT_MAX_FILE_BYTES

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            if self.request is not None:
                if not hasattr(self.request, "uploads_too_large"):
                    self.request.uploads_too_large = set()
                self.request.uploads_too_large.add(self.field_name)
            raise SkipFile(f"{self.file_name} is larger than {describe_size(self.limit)}")
        return raw_data

    def file_complete(self, file_size):
        return None  # the handlers after this one build the file
