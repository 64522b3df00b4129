"""How pages name who acted: the one way of workflow.changelog.person_label (the account, their unit in brackets)."""

from django import template

from workflow.changelog import person_label

register = template.Library()


@register.filter
def person(user) -> str:
    return person_label(user) if user else "—"
