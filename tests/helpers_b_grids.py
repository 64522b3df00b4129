"""The editing grids as a browser uses them: load the form with every input it shows, change cells, post it back —
so that the hidden versions and "initial-" values travel exactly as they do in use."""

from html import unescape
from html.parser import HTMLParser

from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from indicators.models import IndicatorValue
from plans.models import HouseholdFigure


class FormInputs(HTMLParser):
    """The name → value pairs a browser would send for the page's grid form (text, hidden, selects)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._in_post_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_post_form = (attrs.get("method") or "").lower() == "post" and "grid-form" in attrs.get("class", "")
        if not self._in_post_form:
            return
        if tag == "input" and attrs.get("name") and "disabled" not in attrs and attrs.get("type") != "submit":
            self.values[attrs["name"]] = unescape(attrs.get("value") or "")
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self.values.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._in_post_form = False


def form_values(html: str) -> dict[str, str]:
    parser = FormInputs()
    parser.feed(html)
    return parser.values


def as_user(client, user):
    client.force_login(user)
    return client


def load(client, url) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return form_values(response.content.decode())


def districts_url(plan) -> str:
    return reverse("editing:districts_edit", args=[plan.slug])


def indicators_url(plan) -> str:
    return reverse("editing:indicators_edit", args=[plan.slug])


def prefix(locality) -> str:
    """The grid's name prefix of a locality's row."""
    return f"f{locality.pk}"


def snapshot() -> list:
    """Every figure and indicator value, with versions and the size of their history."""
    figures = list(HouseholdFigure.objects.order_by("pk").values_list())
    values = list(IndicatorValue.objects.order_by("pk").values_list())
    return [figures, values, HouseholdFigure.history.count(), IndicatorValue.history.count()]


def vi(message: str, **params) -> str:
    """A message as the (Vietnamese-first) page shows it, escaped as in the HTML."""
    with translation.override("vi"):
        text = gettext(message)
    return escape(text % params if params else text)


class ConfirmButton(HTMLParser):
    """The grid's “Confirm and save” button: its name and value (the fingerprint of the entries warned about)."""

    def __init__(self):
        super().__init__()
        self.name = self.value = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "button" and attrs.get("name") == "confirm_warnings":
            self.name, self.value = attrs["name"], attrs.get("value", "")


def confirm_button(html: str) -> tuple[str | None, str | None]:
    parser = ConfirmButton()
    parser.feed(html)
    return parser.name, parser.value


def post_confirmed(client, url, values: dict):
    """Post the grid as a person would who reads the warnings it shows and confirms them: the post, then — when the
    grid answers with warnings — the same entries with its “Confirm and save” button."""
    response = client.post(url, values)
    name, value = confirm_button(response.content.decode()) if response.status_code == 200 else (None, None)
    if name is None:
        return response
    return client.post(url, {**values, name: value})
