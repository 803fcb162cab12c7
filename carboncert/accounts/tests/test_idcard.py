from datetime import date

import pytest
from django.core.exceptions import ValidationError

from carboncert.accounts import idcard
from carboncert.accounts.validators import validate_id_number

ENDS_IN_X = "11010519850612107X"
VALID = "440305199509231006"


@pytest.mark.parametrize("typed", [ENDS_IN_X, ENDS_IN_X.lower(), f" {ENDS_IN_X.lower()} "])
def test_it_accepts_x_in_either_case_and_stores_it_upper_case(typed):
    assert idcard.validate(typed) == ENDS_IN_X


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "empty"),
        ("11010519850612107", "length"),
        ("11010519850612107XX", "length"),
        ("1101051985061210AX", "format"),
        ("110105198506121071", "checksum"),  # X expected
        ("440305199509231007", "checksum"),
        (idcard.with_check_digit("11010519851332107"), "birth_date"),
        (idcard.with_check_digit("00000019850612107"), "region"),
    ],
)
def test_it_says_what_is_wrong(typed, code):
    with pytest.raises(idcard.IdNumberError) as raised:
        idcard.validate(typed)
    assert raised.value.code == code


def test_a_wrong_check_digit_gets_a_chinese_message():
    with pytest.raises(ValidationError) as raised:
        validate_id_number("110105198506121071")
    assert raised.value.messages == ["身份证号码校验位不正确，请核对后重新输入。"]


def test_facts_read_from_the_number():
    assert idcard.birth_date(ENDS_IN_X) == date(1985, 6, 12)
    assert idcard.gender(ENDS_IN_X) == "M"
    assert idcard.gender(VALID) == "F"
    assert idcard.last_four(ENDS_IN_X.lower()) == "107X"


def test_masking_keeps_the_ends():
    assert idcard.mask(ENDS_IN_X) == "1101**********107X"
    assert idcard.mask("1234") == "****"
