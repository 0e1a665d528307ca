from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyen.directory.importing import MAX_FILE_BYTES


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or UTF-8 .csv)"),
        help_text=_(
            "Sheets “Đơn vị” (organisations) and “Cán bộ” (officials), as in the template."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB (tệp lớn hơn %(size)s MB)."),
                params={"size": MAX_FILE_BYTES // (1024 * 1024)},
            )
        return upload
