"""Portal forms of inventory."""

from django import forms

from inventory.ingest.imports import IMPORTABLE

RESOURCE_CHOICES = [("", "Choose…")] + [
    (name, resource.label[:1].upper() + resource.label[1:]) for name, resource in IMPORTABLE.items()
]


class ImportUploadForm(forms.Form):
    resource = forms.ChoiceField(choices=RESOURCE_CHOICES, label="The file contains")
    file = forms.FileField(
        label="CSV file", help_text="UTF-8 CSV with a header line; a .csv.gz is fine too."
    )
