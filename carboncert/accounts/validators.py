from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import idcard

ID_NUMBER_MESSAGES = {
    "empty": _("请填写身份证号码。"),
    "length": _("身份证号码应为18位。"),
    "format": _("身份证号码格式不正确：前17位应为数字，最后一位为数字或X。"),
    "checksum": _("身份证号码校验位不正确，请核对后重新输入。"),
    "birth_date": _("身份证号码中的出生日期不正确。"),
    "region": _("身份证号码中的地区代码不正确。"),
}


def validate_id_number(value: str) -> None:
    try:
        idcard.validate(value)
    except idcard.IdNumberError as error:
        raise ValidationError(ID_NUMBER_MESSAGES[error.code], code=f"id_{error.code}") from None
