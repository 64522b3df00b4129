from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from plan_tables.household import Column, HouseholdTable, Row


class LocalitySelect(forms.SelectMultiple):
    """The locality filter, rendered as Django's widget renders it, without a template per option.

    A national table offers 700 districts: one option template each took a third of the page's time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in (value or [])}
        final = {**self.build_attrs(self.attrs, attrs), "name": name}
        final.pop("multiple", None)
        options = "\n".join(
            f'  <option value="{escape(key)}"{" selected" if str(key) in chosen else ""}>{escape(label)}</option>\n'
            for key, label in self.choices
        )
        opening = format_html("<select{} multiple>", flatatt(final))
        return format_html("{}\n{}\n</select>", opening, mark_safe(options))  # each option's texts are escaped


class DistrictFilterForm(forms.Form):
    """Filters of a district table: one year, some localities. Bookmarkable (GET)."""

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    district = forms.MultipleChoiceField(label=_("Locality"), required=False, widget=LocalitySelect)

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
