from django.http import Http404


def export_plan_workbook(request, slug):
    raise Http404


def export_appendix_workbook(request, slug, code):
    raise Http404


def import_appendix(request, slug, code):
    raise Http404
