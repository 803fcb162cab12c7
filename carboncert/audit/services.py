"""The one way to write an audit row. Call it inside the transaction that makes the change."""

from django.db import models

from .models import AuditEvent


def record(actor, action: str, obj: models.Model, *, before=None, after=None, reason: str = ""):
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
        reason=reason,
    )
