"""A stored figure about to change is validated on its values (HouseholdFigure.validate_stored, what the import's
preview and the write service ask) rather than by a model instance's full_clean() each: 10.000 of them were a third
of reading an import's rows. The rules stay clean()'s (HouseholdFigure.rule_errors): these tests hold the bulk
check to full_clean()'s verdict and messages, in both languages, for every rule."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from plans.models import UNVALIDATED_FIELDS, FigureKind, HouseholdFigure
from workflow.services import validate_figure

from .factories import HouseholdFigureFactory

pytestmark = pytest.mark.django_db

# (what the write changes, the fields it writes)
CASES = [
    ({"households": 12000}, {"households"}),
    ({"households": -1}, {"households"}),
    ({"poor_households": 20000}, {"poor_households"}),
    ({"households": 400}, {"households"}),
    ({"near_poor_households": 20000}, {"near_poor_households"}),
    ({"planned_reduction": -3}, {"planned_reduction"}),
    ({"published_rate": Decimal("150")}, {"published_rate"}),
    ({"published_rate": Decimal("1.234")}, {"published_rate"}),
    ({"published_rate": Decimal("1000.5")}, {"published_rate", "published_rate_places"}),
    ({"published_rate_places": 5}, {"published_rate_places"}),
    ({"households": 10**12}, {"households"}),
    ({"households": None, "poor_households": None, "published_rate": None}, {"households", "poor_households"}),
    ({"year": 2040, "kind": FigureKind.TARGET}, {"households"}),
    ({"standard_id": "nd07_2021", "year": 2019}, {"households"}),
    ({"standard_id": "no_such_standard"}, {"households"}),
    ({"households": -5, "poor_households": 20000}, {"households", "poor_households"}),
]


def full_clean_verdict(figure: HouseholdFigure, written) -> dict | None:
    """What Django's full_clean() says of the figure with only the written fields checked one by one."""
    fields = HouseholdFigure._meta.concrete_fields
    exclude = UNVALIDATED_FIELDS | {f.name for f in fields if f.name not in written and f.attname not in written}
    try:
        figure.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return error.message_dict
    return None


def bulk_verdict(figure: HouseholdFigure, written) -> dict | None:
    try:
        validate_figure(figure, written)
    except ValidationError as error:
        return error.message_dict
    return None


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(("change", "written"), CASES)
def test_a_stored_figure_is_validated_on_its_values_as_full_clean_validates_it(change, written, language):
    stored = HouseholdFigureFactory(near_poor_households=800)
    figure = HouseholdFigure.objects.get(pk=stored.pk)
    other = HouseholdFigure.objects.get(pk=stored.pk)
    for name, value in change.items():
        setattr(figure, name, value)
        setattr(other, name, value)
    with translation.override(language):
        expected = full_clean_verdict(other, written)
        assert bulk_verdict(figure, written) == expected
    if expected is None:
        # The values as full_clean() leaves them (each written field converted by its field).
        assert {name: getattr(figure, name) for name in change} == {name: getattr(other, name) for name in change}


def test_the_rules_are_said_the_same_way_on_values_as_by_clean():
    figure = HouseholdFigureFactory.build(households=100, poor_households=300, published_rate=Decimal("101"))
    with pytest.raises(ValidationError) as by_clean:
        figure.clean()
    values = {name: getattr(figure, name) for name in ("households", "poor_households", "published_rate")}
    values.update(
        near_poor_households=None,
        planned_reduction=None,
        published_rate_places=None,
        year=figure.year,
        kind=figure.kind,
        standard_id=figure.standard_id,
    )
    errors = HouseholdFigure.rule_errors(values, figure.plan, adding=True)
    assert ValidationError(errors).message_dict == by_clean.value.message_dict
    assert set(errors) == {"poor_households", "published_rate"}
