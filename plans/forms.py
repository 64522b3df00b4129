from django import forms


class CoordinatingAgenciesForm(forms.ModelForm):
    """The admin form (and inline form) of a row with coordinating agencies: hands the agencies chosen to the model's
    clean(), so that one rule refuses another province's agency, under the field, before anything is saved."""

    def clean(self):
        cleaned_data = super().clean()
        agencies = cleaned_data.get("coordinating_agencies")
        if agencies is not None:
            self.instance.pending_coordinating_agencies = list(agencies.select_related("province"))
        return cleaned_data
