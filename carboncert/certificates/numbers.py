"""Certificate numbers: pure, no database.

    2027 CE 1 000042
    year specialty level serial

The year is the year of issue, the specialty and level those of the exam subject
(CE-1 → CE, 1), the serial counts the certificates of that subject issued that year
from 000001, one number after another (services.next_serial holds a row lock, so
concurrent issuers never share one and a rolled-back issue gives its number back).
A number is never reused: a re-issued certificate keeps its number, a revoked one
keeps its number as revoked.
"""

import re
import unicodedata

PATTERN = re.compile(
    r"^(?P<year>20[0-9]{2})(?P<specialty>[A-Z]{2})(?P<level>[1-3])(?P<serial>[0-9]{6})$"
)


class BadNumber(ValueError):
    pass


def compose(year: int, subject_code: str, serial: int) -> str:
    specialty, _, level = subject_code.partition("-")
    if not (1 <= serial <= 999_999):
        raise BadNumber(f"serial out of range: {serial}")
    number = f"{year}{specialty}{level}{serial:06d}"
    if not PATTERN.match(number):
        raise BadNumber(f"not a certificate number: {number}")
    return number


def normalise(text: str) -> str:
    """What a person typed: full-width characters made plain (a Chinese keyboard's ２０２７),
    spaces and dashes dropped, letters upper-cased."""
    return re.sub(r"[\s\-—]", "", unicodedata.normalize("NFKC", text or "")).upper()


def is_number(text: str) -> bool:
    return bool(PATTERN.match(text))


def serial_of(number: str) -> int:
    match = PATTERN.match(number)
    if not match:
        raise BadNumber(number)
    return int(match["serial"])
