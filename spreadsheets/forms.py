from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .files import size_limit_text


class WorkbookUploadForm(forms.Form):
    workbook = forms.FileField(
        label=_("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request, in the visitor's language.
        self.fields["workbook"].help_text = gettext(
            "An export of this appendix, edited in Excel or LibreOffice; at most %(size)s."
        ) % {"size": size_limit_text()}
