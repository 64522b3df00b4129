from html import escape

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from plan_tables.household import Column, HouseholdTable, Row


class Choices(BaseChoiceIterator):
    """(value, label) pairs given to a field as they are. Django normalises a plain list again each time it is set
    or copied, one call per label — 15 ms for the 700 districts of a national table."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self.pairs = pairs

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self):
        return len(self.pairs)


class LocalityCheckboxes(forms.CheckboxSelectMultiple):
    """The locality filter as a list of checkboxes (no Ctrl-click), with a search box that static/js/checklist.js
    brings to life; the choices travel in the URL as before (?district=a&district=b), so a filtered page can be
    shared. Rendered in one pass, without a template per option: a national table offers 700 districts (escaped
    with the standard library's html.escape, the same text as Django's escape without its lazy wrapper per call).
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in (value or [])}
        final = self.build_attrs(self.attrs, attrs)
        base_id = final.get("id") or f"id_{name}"
        field, prefix = escape(name), escape(base_id)
        options = "\n".join(
            f'<li><label><input type="checkbox" name="{field}" value="{escape(str(key))}" id="{prefix}_{index}"'
            f"{' checked' if str(key) in chosen else ''}> {escape(str(label))}</label></li>"
            for index, (key, label) in enumerate(self.choices)
        )
        return format_html('<ul class="checklist-options" id="{}">{}</ul>', base_id, mark_safe(options))

    def id_for_label(self, id_, index=None):
        return id_


class DistrictFilterForm(forms.Form):
    """Filters of a district table: one year, some localities. Bookmarkable (GET)."""

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    district = forms.MultipleChoiceField(label=_("Locality"), required=False, widget=LocalityCheckboxes)

    def __init__(self, data, household: HouseholdTable):
        super().__init__(data)
        self.household = household
        years = sorted({c.year for c in household.columns})
        self.fields["year"].choices = [("", _("All years"))] + [(y, y) for y in years]
        if len(years) < 2:  # nothing to choose between: the page offers no year filter
            self.fields["year"].widget = forms.HiddenInput()
        self.fields["district"].choices = Choices([(row.locality_slug, row.label) for row in household.rows])

    @property
    def offers_years(self) -> bool:
        return not self.fields["year"].widget.is_hidden

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


class IndicatorFilterForm(forms.Form):
    """The indicator page's filter: some dimensions (checkboxes, kept in the URL as ?dimension=a&dimension=b)."""

    dimension = forms.MultipleChoiceField(label=_("Dimension"), required=False, widget=LocalityCheckboxes)

    def __init__(self, data, groups: list):
        super().__init__(data)
        self.groups = groups
        self.fields["dimension"].choices = [(group.dimension.code, group.dimension.name) for group in groups]

    @property
    def offers_dimensions(self) -> bool:
        return len(self.groups) > 1

    def filtered(self) -> list:
        """The dimension groups to show; an invalid choice is ignored (its error is on the form)."""
        if self.is_valid() and self.cleaned_data["dimension"]:
            chosen = set(self.cleaned_data["dimension"])
            return [group for group in self.groups if group.dimension.code in chosen]
        return self.groups
