"""Writing the catalogue: one atomic load from checked data."""

from django.db import transaction

from carboncert.audit.services import record

from . import syllabus
from .models import KnowledgePoint, Level, ModulePoint, Specialty, Subject, SyllabusModule


@transaction.atomic
def load_catalogue(programme: syllabus.Programme | None = None, by=None) -> dict[str, int]:
    """Create or update specialties, levels, subjects and syllabi. Idempotent.

    Knowledge points are matched by name and never deleted, because questions
    will hang on them; a module's list of points is rewritten to the data's.
    """
    programme = programme or syllabus.shipped()
    specialties = {}
    for order, s in enumerate(programme.specialties):
        specialties[s.code], _ = Specialty.objects.update_or_create(
            code=s.code,
            defaults={
                "name_zh": s.name_zh,
                "name_en": s.name_en,
                "order": order,
                "objectives": list(s.objectives),
            },
        )
    levels = {}
    for lv in programme.levels:
        levels[lv.code], _ = Level.objects.update_or_create(
            code=lv.code,
            defaults={
                "name_zh": lv.name_zh,
                "name_en": lv.name_en,
                "min_class_hours": lv.min_class_hours,
                "eligibility": list(lv.eligibility),
            },
        )
    points = {p.name: p for p in KnowledgePoint.objects.all()}
    for s in programme.subjects:
        subject, _ = Subject.objects.update_or_create(
            code=s.code, defaults={"specialty": specialties[s.specialty], "level": levels[s.level]}
        )
        subject.modules.filter(order__gt=len(s.modules)).delete()
        for order, m in enumerate(s.modules, start=1):
            module, _ = SyllabusModule.objects.update_or_create(
                subject=subject, order=order, defaults={"name": m.name, "weight": m.weight}
            )
            ModulePoint.objects.filter(module=module).delete()
            for point_order, name in enumerate(m.points, start=1):
                if name not in points:
                    points[name] = KnowledgePoint.objects.create(name=name)
                ModulePoint.objects.create(module=module, point=points[name], order=point_order)
    counts = {
        "specialties": Specialty.objects.count(),
        "levels": Level.objects.count(),
        "subjects": Subject.objects.count(),
        "modules": SyllabusModule.objects.count(),
        "knowledge_points": KnowledgePoint.objects.count(),
    }
    if by is not None:
        record(by, "catalog.load", Subject.objects.first(), after=counts)
    return counts
