from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.dateparse import parse_date

from . import services
from .models import Sitting


def sitting_list(request):
    return render(request, "sittings/list.html", {"sittings": services.upcoming()[:12]})


def sitting_detail(request, day):
    try:
        date = parse_date(day)
    except ValueError:  # well-formed but impossible, e.g. 2026-02-30
        date = None
    if date is None:
        raise Http404
    sitting = get_object_or_404(
        Sitting.objects.prefetch_related("subjects__specialty", "subjects__level"), date=date
    )
    return render(request, "sittings/detail.html", {"sitting": sitting})
