"""Chinese resident identity card numbers (居民身份证号码, GB 11643).

Pure rules over python-stdnum. The check character X may be typed as x (the
handbook's FAQ tells candidates to try both); we store and compare it upper-case.
"""

from __future__ import annotations

from datetime import date

from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric


class IdNumberError(ValueError):
    """`code` says what is wrong: empty, length, format, checksum, birth_date or region."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


def normalize(value: str) -> str:
    """Strip spaces and separators, upper-case the check character."""
    return ric.compact(value or "")


def validate(value: str) -> str:
    """The normalized number, or IdNumberError saying what is wrong with it."""
    number = normalize(value)
    if not number:
        raise IdNumberError("empty")
    if len(number) != 18:
        raise IdNumberError("length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdNumberError("format")
    if ric.calc_check_digit(number) != number[17]:  # it reads the first 17 only
        raise IdNumberError("checksum")
    try:
        ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise IdNumberError("birth_date") from None
    try:
        ric.get_birth_place(number)
    except stdnum_errors.ValidationError:
        raise IdNumberError("region") from None
    return number


def birth_date(number: str) -> date:
    return ric.get_birth_date(normalize(number))


def gender(number: str) -> str:
    """'M' or 'F': the 17th digit is odd for men, even for women."""
    return "M" if int(normalize(number)[16]) % 2 else "F"


def mask(number: str) -> str:
    """1101**********123X: enough to tell two people apart in a list, not enough to misuse."""
    number = normalize(number)
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def last_four(number: str) -> str:
    return normalize(number)[-4:]


def with_check_digit(first17: str) -> str:
    """A complete number from its first 17 digits (for demo data and tests)."""
    return first17 + ric.calc_check_digit(first17 + "0")
