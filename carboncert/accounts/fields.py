from django.db import models
from django.utils.translation import gettext_lazy as _

from . import idcard
from .validators import validate_id_number


class IdNumberField(models.CharField):
    """A resident ID number, stored normalized (upper-case X) and validated."""

    default_validators = [validate_id_number]
    description = _("居民身份证号码")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 18:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        return idcard.normalize(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return idcard.normalize(value) if value else value
