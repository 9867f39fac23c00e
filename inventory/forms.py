"""Portal forms of inventory."""

from django import forms
from django.conf import settings

from config.uploads import describe_size
from inventory.ingest.imports import IMPORTABLE

RESOURCE_CHOICES = [("", "Choose…")] + [
    (name, resource.label[:1].upper() + resource.label[1:]) for name, resource in IMPORTABLE.items()
]


def file_too_large_message() -> str:
    return (
        f"The file is larger than {describe_size(settings.IMPORT_MAX_FILE_BYTES)}: "
        "split it, or gzip it."
    )


class ImportUploadForm(forms.Form):
    resource = forms.ChoiceField(choices=RESOURCE_CHOICES, label="The file contains")
    file = forms.FileField(
        label="CSV file", help_text="UTF-8 CSV with a header line; a .csv.gz is fine too."
    )

    def __init__(self, *args, file_too_large: bool = False, **kwargs):
        """``file_too_large``: the upload handler dropped the file while it streamed in
        (config/uploads.py), so the field is empty and its error is the size."""
        super().__init__(*args, **kwargs)
        self.file_too_large = file_too_large

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_FILE_BYTES:
            raise forms.ValidationError(file_too_large_message(), code="too_large")
        return upload

    def clean(self):
        data = super().clean()
        if self.file_too_large:
            self.errors.pop("file", None)  # "required": the file was dropped for its size
            self.add_error("file", forms.ValidationError(file_too_large_message(), "too_large"))
        return data

    @property
    def refused_for_size(self) -> bool:
        return any(error.code == "too_large" for error in self.errors.as_data().get("file", []))
