"""Keeps `Plan.text_revision` current: any change to what the plan page shows as the plan's text gives the plan a
new revision, so that the page's cached rendering of the text (templates/reports/plan_detail.html) is never stale.

Signals rather than a call in each admin page: the text changes through the admin's inlines and its own pages, the
seed loader and the shell alike. Bulk writes (`QuerySet.update`, `bulk_create`) send no signals; the text is never
written so (the demo-data generator creates new plans, whose revision is new anyway).
"""

import uuid

from django.db.models.signals import m2m_changed, post_delete, post_save

from localities.models import Locality

from .models import (
    Agency,
    AgencyResponsibility,
    Appendix,
    Duty,
    LegalBasis,
    Plan,
    PlanSection,
    PolicyTask,
    ProgramProject,
    Recipient,
    ReportingObligation,
    refuse_coordinating_agencies_of_another_province,
)

# The parts of the text that belong to one plan.
PLAN_PARTS = (PlanSection, Recipient, ReportingObligation, PolicyTask, AgencyResponsibility, Appendix, LegalBasis)


def renew_text_revision(plans) -> None:
    """Give the plans (a queryset) a new text revision."""
    plans.update(text_revision=uuid.uuid4())


def _plan_saved(sender, instance: Plan, raw=False, **kwargs):
    # After the save, by its own statement: a save(update_fields=[…]) would not write a revision set before it.
    if not raw:
        instance.text_revision = uuid.uuid4()
        Plan.objects.filter(pk=instance.pk).update(text_revision=instance.text_revision)


def _part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        renew_text_revision(Plan.objects.filter(pk=instance.plan_id))


def _duty_changed(sender, instance: Duty, raw=False, **kwargs):
    # Through the responsibility's id: when a responsibility is deleted with its duties, it is gone already (and
    # its own signal renews the plan).
    if not raw:
        renew_text_revision(Plan.objects.filter(responsibilities=instance.responsibility_id))


def _agency_changed(sender, instance: Agency, raw=False, **kwargs):
    # Its name and address appear in the duties and the policy tasks of its province's plans.
    if not raw:
        renew_text_revision(Plan.objects.filter(province=instance.province_id))


def _province_changed(sender, instance: Locality, raw=False, **kwargs):
    # Its address is part of the links to its agencies.
    if not raw and instance.level == 1:
        renew_text_revision(Plan.objects.filter(province=instance.pk))


def _project_changed(sender, instance: ProgramProject, raw=False, **kwargs):
    # A programme project's code is shown beside the duties that lead it, in any province: rare, so every plan.
    if not raw:
        renew_text_revision(Plan.objects.all())


def _led_projects_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # project.lead_duties.add(…): the duties named, or every duty of the project on clear
        plans = Plan.objects.all() if pk_set is None else Plan.objects.filter(responsibilities__duties__in=pk_set)
    else:
        plans = Plan.objects.filter(responsibilities=instance.responsibility_id)
    renew_text_revision(plans)


def connect() -> None:
    post_save.connect(_plan_saved, sender=Plan, dispatch_uid="plan_text_revision")
    for model in PLAN_PARTS:
        for signal in (post_save, post_delete):
            signal.connect(_part_changed, sender=model, dispatch_uid=f"text_revision_{model.__name__}")
    for signal in (post_save, post_delete):
        signal.connect(_duty_changed, sender=Duty, dispatch_uid="text_revision_Duty")
        signal.connect(_project_changed, sender=ProgramProject, dispatch_uid="text_revision_ProgramProject")
    # Saved only: an agency still named in a plan's text cannot be deleted (PROTECT), nor can a province with plans.
    post_save.connect(_agency_changed, sender=Agency, dispatch_uid="text_revision_Agency")
    post_save.connect(_province_changed, sender=Locality, dispatch_uid="text_revision_Locality")
    m2m_changed.connect(_led_projects_changed, sender=Duty.led_projects.through, dispatch_uid="text_revision_projects")
    m2m_changed.connect(
        refuse_coordinating_agencies_of_another_province,
        sender=PolicyTask.coordinating_agencies.through,
        dispatch_uid="policy_task_coordinating_agencies_of_the_province",
    )
