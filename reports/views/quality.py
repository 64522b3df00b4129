from django.http import Http404


def quality_report(request, slug):
    raise Http404
