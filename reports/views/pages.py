from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


home = plan_detail = district_table = district_table_csv = indicator_table = task_table = _missing
locality_detail = agency_detail = _missing
