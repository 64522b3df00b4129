"""The plan's text — sections, each agency's responsibility and duties (with the programme projects they lead),
recipients, policy tasks — read in ONE query: a UNION ALL of one row per part, each part's columns (and those of
the agency and province it names) packed into a JSON object, which every supported database builds
(`JSONObject`: SQLite's json_object, PostgreSQL's json_build_object).

Six queries before (one per kind of part, and one per prefetch): the plan page's first view after a change to its
text read them all, and that view is what the page's query budget is measured on (docs/performance.md). The parts
come back as the model instances the templates already use, with their related objects and prefetched lists set,
so that the templates read them exactly as before and run no query.

The statement is the same for every plan but its plan's id: Django builds and compiles it once per database a
process reads from (a third of the text's reading time went into building those six querysets, their forty JSON
columns and their union each time), and each reading runs it with the plan's id put in.
"""

import json
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import CharField, Value
from django.db.models.functions import JSONObject

from localities.models import Locality
from plans.models import Agency, AgencyResponsibility, Duty, Plan, PlanSection, PolicyTask, ProgramProject, Recipient

LedProject = Duty.led_projects.through


def _columns(model, prefix: str = "") -> dict:
    """JSON key → lookup for each concrete column of `model` (reached through `prefix`, e.g. "agency__")."""
    key = prefix.replace("__", ".")
    return {f"{key}{field.attname}": f"{prefix}{field.attname}" for field in model._meta.concrete_fields}


def _build(model, data: dict, prefix: str = ""):
    """An instance of `model` from the JSON keys starting with `prefix` (values converted as the model reads them)."""
    key = prefix.replace("__", ".")
    values = {}
    for field in model._meta.concrete_fields:
        value = data.get(f"{key}{field.attname}")
        values[field.attname] = None if value is None else field.to_python(value)
    return model(**values)


def _with_agency(model, queryset, agency: str):
    columns = {**_columns(model), **_columns(Agency, f"{agency}__"), **_columns(Locality, f"{agency}__province__")}
    return queryset, columns


def _agency_of(data: dict, agency: str) -> Agency | None:
    if data.get(f"{agency}.id") is None:
        return None
    result = _build(Agency, data, f"{agency}__")
    result.province = _build(Locality, data, f"{agency}__province__")
    return result


@dataclass
class TextParts:
    sections: list[PlanSection]
    responsibilities: list[AgencyResponsibility]
    recipients: list[Recipient]
    policy_tasks: list[PolicyTask]


# The plan id the statement is compiled with, replaced by the plan's own at each reading: no plan has it, and
# no other parameter of the statement is a number.
_PLAN_PLACEHOLDER = -1
_PARTS = ("section", "responsibility", "duty", "led", "recipient", "task")
_statements: dict[str, tuple[str, list, list[int]]] = {}  # database alias → (SQL, parameters, plan id positions)


def _part_querysets(plan_id: int) -> dict:
    return {
        "section": (PlanSection.objects.filter(plan_id=plan_id), _columns(PlanSection)),
        "responsibility": _with_agency(
            AgencyResponsibility, AgencyResponsibility.objects.filter(plan_id=plan_id), "agency"
        ),
        "duty": (Duty.objects.filter(responsibility__plan_id=plan_id), _columns(Duty)),
        "led": (
            LedProject.objects.filter(duty__responsibility__plan_id=plan_id),
            {**_columns(LedProject), **_columns(ProgramProject, "programproject__")},
        ),
        "recipient": (Recipient.objects.filter(plan_id=plan_id), _columns(Recipient)),
        "task": _with_agency(PolicyTask, PolicyTask.objects.filter(plan_id=plan_id), "lead_agency"),
    }


def _statement(alias: str) -> tuple[str, list, list[int]]:
    """The text's statement for the database `alias`, compiled on first use."""
    if alias not in _statements:
        queries = [
            queryset.order_by()
            .annotate(part=Value(name, output_field=CharField()), data=JSONObject(**columns))
            .values_list("part", "data")
            for name, (queryset, columns) in _part_querysets(_PLAN_PLACEHOLDER).items()
        ]
        union = queries[0].union(*queries[1:], all=True)
        sql, params = union.query.get_compiler(using=alias).as_sql()
        positions = [i for i, value in enumerate(params) if type(value) is int and value == _PLAN_PLACEHOLDER]
        if len(positions) != len(_PARTS):  # the plan's id once per part, or the statement is not what it seems
            raise RuntimeError(f"The plan text's statement has {len(positions)} plan ids, not {len(_PARTS)}")
        _statements[alias] = (sql, list(params), positions)
    return _statements[alias]


def read_plan_text(plan: Plan) -> TextParts:
    alias = router.db_for_read(PlanSection)
    sql, params, positions = _statement(alias)
    params = list(params)
    for position in positions:
        params[position] = plan.pk
    rows: dict[str, list[dict]] = {name: [] for name in _PARTS}
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        for name, data in cursor.fetchall():
            # A JSON text (SQLite, and PostgreSQL's jsonb as Django's drivers read it) or an object already.
            rows[name].append(json.loads(data) if isinstance(data, str | bytes) else data)

    def ordered(name: str, model):
        return sorted((_build(model, data) for data in rows[name]), key=lambda obj: (obj.order, obj.pk))

    projects: dict[int, list[ProgramProject]] = {}
    for data in rows["led"]:
        projects.setdefault(data["duty_id"], []).append(_build(ProgramProject, data, "programproject__"))
    duties: dict[int, list[Duty]] = {}
    for duty in ordered("duty", Duty):
        duty._prefetched_objects_cache = {
            "led_projects": sorted(projects.get(duty.pk, []), key=lambda p: (p.order, p.code))
        }
        duties.setdefault(duty.responsibility_id, []).append(duty)
    responsibilities = []
    by_id = {data["id"]: data for data in rows["responsibility"]}
    for responsibility in ordered("responsibility", AgencyResponsibility):
        responsibility.agency = _agency_of(by_id[responsibility.pk], "agency")
        responsibility._prefetched_objects_cache = {"duties": duties.get(responsibility.pk, [])}
        responsibilities.append(responsibility)
    tasks = []
    by_id = {data["id"]: data for data in rows["task"]}
    for task in ordered("task", PolicyTask):
        task.lead_agency = _agency_of(by_id[task.pk], "lead_agency")
        tasks.append(task)
    return TextParts(
        sections=ordered("section", PlanSection),
        responsibilities=responsibilities,
        recipients=ordered("recipient", Recipient),
        policy_tasks=tasks,
    )
