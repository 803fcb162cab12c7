from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from . import syllabus
from .models import Level, ModulePoint, Specialty, Subject, SyllabusModule


def _subjects():
    return Subject.objects.select_related("specialty", "level")


def programme(request):
    specialties = Specialty.objects.prefetch_related(
        Prefetch("subject_set", queryset=_subjects().order_by("level__code"))
    )
    return render(
        request,
        "catalog/programme.html",
        {
            "specialties": specialties,
            "levels": Level.objects.all(),
            "facts": syllabus.shipped(),
        },
    )


def specialty(request, code):
    specialty = get_object_or_404(Specialty, code=code.upper())
    return render(
        request,
        "catalog/specialty.html",
        {
            "specialty": specialty,
            "subjects": _subjects().filter(specialty=specialty).order_by("level__code"),
        },
    )


def subject(request, code):
    subject = get_object_or_404(_subjects(), code=code.upper())
    modules = SyllabusModule.objects.filter(subject=subject).prefetch_related(
        Prefetch("modulepoint_set", queryset=ModulePoint.objects.select_related("point"))
    )
    return render(
        request,
        "catalog/subject.html",
        {
            "subject": subject,
            "modules": modules,
            "siblings": _subjects().filter(specialty=subject.specialty).order_by("level__code"),
        },
    )


def eligibility(request):
    return render(
        request,
        "catalog/eligibility.html",
        {"levels": Level.objects.all(), "facts": syllabus.shipped()},
    )
