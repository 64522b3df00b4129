from django import forms
from django.utils.translation import gettext_lazy as _

from .tables_data import Column, HouseholdTable, Row


class DistrictFilterForm(forms.Form):
    """Filters of a district table: one year, some localities. Bookmarkable (GET)."""

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    district = forms.MultipleChoiceField(label=_("Locality"), required=False)

    def __init__(self, data, household: HouseholdTable):
        super().__init__(data)
        self.household = household
        self.fields["year"].choices = [("", _("All years"))] + [
            (y, y) for y in sorted({c.year for c in household.columns})
        ]
        self.fields["district"].choices = [(row.locality_slug, row.label) for row in household.rows]
        self.fields["district"].widget.attrs["size"] = min(len(household.rows), 6)

    def filtered(self) -> tuple[list[Column], list[Row]]:
        """The columns and rows to show; invalid filters are ignored (their errors are on the form)."""
        columns, rows = self.household.columns, self.household.rows
        if self.is_valid():
            if self.cleaned_data["year"]:
                columns = [c for c in columns if c.year == self.cleaned_data["year"]]
            if self.cleaned_data["district"]:
                chosen = set(self.cleaned_data["district"])
                rows = [r for r in rows if r.locality_slug in chosen]
        return columns, rows
