"""Who may sit which level: the handbook's 报名条件 (§四 4) as data.

Pure rules, no Django. Any ONE condition of a level suffices; `decide` says
which conditions an applicant meets, in handbook order, and for every other one
what is missing, with the applicant's own figure, so a reviewer need not redo
the sums.

Readings we decided on:
- "(取得其他专业)" means any major: a related major is never worse off.
- Education and certificate levels are "at least": a 本科 satisfies a 中专
  condition, a higher dual-carbon or other certificate a lower one. So 高级 (4)
  (研究生 and 2 years) never matters on its own: (3) (本科 and 2 years) always
  matches first.
- "连续从事…满N年" is read as the total of the related work: the handbook's note
  defines 工作年限 as the time before and after the degree added together.
- Work is counted up to the sitting's work-years cut-off (the handbook says
  2022-12-31); education and certificates must be held on the sitting's date
  (`as_of`), and a certificate "满一年" is held for 12 calendar months by then.
- An applicant may hold several degrees (a related 大专, then an unrelated
  本科): each condition looks at the best one that qualifies for it.
- Time is measured in whole calendar months: "满N年" and "N年以上" both mean at
  least 12·N months. A month from the 31st is complete on the last day of a
  shorter month (Jan 31 → Feb 28), a year from a leap day on Feb 28.
  Overlapping or back-to-back periods form one stretch; days left over in
  separate stretches are not added up into months, so a month is always a
  calendar month actually worked.
- A declared number of years (from a form, possibly fractional) is taken as
  already counted to the cut-off and rounded down to whole months.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum, IntEnum

HANDBOOK_WORK_CUTOFF = date(2022, 12, 31)


class Level(IntEnum):
    """A level of the programme, and of any certificate or professional title."""

    JUNIOR = 1
    INTERMEDIATE = 2
    SENIOR = 3

    @property
    def label(self) -> str:
        return ("初级", "中级", "高级")[self - 1]


class Education(IntEnum):
    """Ordered, so that a higher education satisfies a lower requirement."""

    HIGH_SCHOOL = 1
    SECONDARY_VOCATIONAL = 2
    JUNIOR_COLLEGE = 3
    UNDERGRADUATE = 4
    POSTGRADUATE = 5

    @property
    def label(self) -> str:
        return ("高中", "中专", "大专", "本科", "研究生")[self - 1]


class CertificateKind(Enum):
    DUAL_CARBON = "双碳岗位能力证书"
    OTHER = "其他职业或技能证书、职称证书"


@dataclass(frozen=True)
class Degree:
    education: Education
    graduated_on: date
    major_related: bool = False  # environmental science/engineering, energy and the like


@dataclass(frozen=True)
class WorkPeriod:
    """Related work from `start` to `end`, both days included; no end: still working."""

    start: date
    end: date | None = None

    def __post_init__(self):
        if self.end is not None and self.end < self.start:
            raise ValueError(f"work period ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True)
class Certificate:
    kind: CertificateKind
    level: Level
    obtained_on: date


@dataclass(frozen=True)
class Applicant:
    """What an applicant declares; related work as periods or as a number of years, not both."""

    degrees: tuple[Degree, ...] = ()
    work_periods: tuple[WorkPeriod, ...] = ()
    declared_work_years: Decimal | float | None = None
    student: bool = False  # currently at a university or a vocational school
    certificates: tuple[Certificate, ...] = ()

    def __post_init__(self):
        if self.work_periods and self.declared_work_years is not None:
            raise ValueError("give work periods or declared work years, not both")
        if self.declared_work_years is not None and self.declared_work_years < 0:
            raise ValueError(f"declared work years are negative: {self.declared_work_years}")


def _add_months(day: date, months: int) -> date:
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last_day))


def full_months_between(start: date, end: date) -> int:
    """Whole calendar months from `start` until `end`: 2025-12-20 → 2026-12-19 is 11."""
    if end < start:
        raise ValueError(f"{end} is before {start}")
    months = (end.year - start.year) * 12 + end.month - start.month
    if _add_months(start, months) > end:
        months -= 1
    return months


def work_months(periods: Iterable[WorkPeriod], cutoff: date) -> int:
    """Whole months of related work up to and including `cutoff`, overlaps counted once."""
    # Half-open spans [start, day after end), so back-to-back periods touch and merge.
    limit = cutoff + timedelta(days=1)
    spans = sorted(
        (period.start, min(limit, period.end + timedelta(days=1) if period.end else limit))
        for period in periods
        if period.start <= cutoff
    )
    stretches: list[list[date]] = []
    for start, stop in spans:
        if stretches and start <= stretches[-1][1]:
            stretches[-1][1] = max(stretches[-1][1], stop)
        else:
            stretches.append([start, stop])
    return sum(full_months_between(start, stop) for start, stop in stretches)


def _counted_work_months(applicant: Applicant, cutoff: date) -> int:
    if applicant.declared_work_years is None:
        return work_months(applicant.work_periods, cutoff)
    return math.floor(applicant.declared_work_years * 12)


@dataclass(frozen=True)
class Standing:
    """An applicant for one sitting: work counted to the cut-off, the rest held on `as_of`."""

    applicant: Applicant
    as_of: date
    work_months: int


def _not_yet_held(
    grades_and_dates: Iterable[tuple[Level | Education, date]],
    at_least: Level | Education,
    as_of: date,
    wording: str,
) -> str:
    """Names what would have counted but comes after the sitting, so nobody wonders why not."""
    late = [(on, grade) for grade, on in grades_and_dates if grade >= at_least and on > as_of]
    if not late:
        return ""
    on, grade = min(late)
    return f"（{wording.format(grade=grade.label, on=on)}，晚于考试日期 {as_of}）"


@dataclass(frozen=True)
class Educated:
    at_least: Education
    related_major: bool = False

    def shortfall(self, standing: Standing) -> str | None:
        degrees = [
            d for d in standing.applicant.degrees if d.major_related or not self.related_major
        ]
        held = max((d.education for d in degrees if d.graduated_on <= standing.as_of), default=None)
        if held is not None and held >= self.at_least:
            return None
        what = "相关专业学历" if self.related_major else "学历"
        have = f"{what}为{held.label}" if held is not None else f"无{what}"
        late = _not_yet_held(
            ((d.education, d.graduated_on) for d in degrees),
            self.at_least,
            standing.as_of,
            "{grade}于 {on} 毕业",
        )
        return f"{have}，需{self.at_least.label}及以上{late}"


@dataclass(frozen=True)
class Worked:
    years: int

    def shortfall(self, standing: Standing) -> str | None:
        needed = 12 * self.years
        if standing.work_months >= needed:
            return None
        return f"相关工作年限为 {standing.work_months} 个月，不足 {needed} 个月"


@dataclass(frozen=True)
class Studying:
    def shortfall(self, standing: Standing) -> str | None:
        return None if standing.applicant.student else "非在校大学生或职业院校学生"


@dataclass(frozen=True)
class Certified:
    kind: CertificateKind
    at_least: Level
    for_months: int = 0  # how long it must have been held on the sitting's date

    def shortfall(self, standing: Standing) -> str | None:
        as_of = standing.as_of
        of_kind = [c for c in standing.applicant.certificates if c.kind is self.kind]
        held = [c for c in of_kind if c.obtained_on <= as_of]
        good_enough = [c for c in held if c.level >= self.at_least]
        if good_enough:
            longest = min(good_enough, key=lambda c: c.obtained_on)
            months = full_months_between(longest.obtained_on, as_of)
            if months >= self.for_months:
                return None
            return (
                f"{longest.level.label}证书于 {longest.obtained_on} 取得，"
                f"至 {as_of} 持有 {months} 个月，不足 {self.for_months} 个月"
            )
        best = max((c.level for c in held), default=None)
        need = f"{self.at_least.label}及以上"
        have = (
            f"{self.kind.value}最高为{best.label}，需{need}"
            if best is not None
            else f"未取得{need}{self.kind.value}"
        )
        late = _not_yet_held(
            ((c.level, c.obtained_on) for c in of_kind),
            self.at_least,
            as_of,
            "{grade}证书于 {on} 取得",
        )
        return have + late


Requirement = Educated | Worked | Studying | Certified


@dataclass(frozen=True)
class Condition:
    level: Level
    number: int  # as numbered in the handbook
    text: str  # as worded in the handbook
    requirements: tuple[Requirement, ...]  # all must be met

    def __str__(self) -> str:
        return f"{self.level.label} ({self.number}) {self.text}"

    def shortfalls(self, standing: Standing) -> list[str]:
        return [
            gap for requirement in self.requirements if (gap := requirement.shortfall(standing))
        ]


def _numbered(level: Level, *rows: tuple[str, *tuple[Requirement, ...]]) -> tuple[Condition, ...]:
    return tuple(
        Condition(level, number, text, tuple(requirements))
        for number, (text, *requirements) in enumerate(rows, start=1)
    )


CONDITIONS: dict[Level, tuple[Condition, ...]] = {
    Level.JUNIOR: _numbered(
        Level.JUNIOR,
        ("从事相关领域工作年限满3年", Worked(3)),
        ("高中及以上学历，从事相关领域工作年限2年以上", Educated(Education.HIGH_SCHOOL), Worked(2)),
        (
            "中专及以上学历，从事相关领域工作年限1年以上",
            Educated(Education.SECONDARY_VOCATIONAL),
            Worked(1),
        ),
        ("在校大学生、相关职业院校学生", Studying()),
        ("取得其他初级职业或技能证书、职称证书等", Certified(CertificateKind.OTHER, Level.JUNIOR)),
    ),
    Level.INTERMEDIATE: _numbered(
        Level.INTERMEDIATE,
        (
            "中专学历（取得其他专业），连续从事相关领域工作满3年",
            Educated(Education.SECONDARY_VOCATIONAL),
            Worked(3),
        ),
        (
            "大专学历（取得其他专业），连续从事相关领域工作满2年",
            Educated(Education.JUNIOR_COLLEGE),
            Worked(2),
        ),
        (
            "本科学历（取得其他专业），连续从事相关领域工作满1年",
            Educated(Education.UNDERGRADUATE),
            Worked(1),
        ),
        ("研究生及以上学历（取得其他专业）", Educated(Education.POSTGRADUATE)),
        (
            "具有环境工程与科学、能源等相关专业大专及以上学历",
            Educated(Education.JUNIOR_COLLEGE, related_major=True),
        ),
        (
            "取得初级双碳（碳达峰和碳中和）岗位能力证书，从事相关领域工作满一年",
            Certified(CertificateKind.DUAL_CARBON, Level.JUNIOR),
            Worked(1),
        ),
        (
            "取得其他中级职业或技能证书、职称证书等",
            Certified(CertificateKind.OTHER, Level.INTERMEDIATE),
        ),
    ),
    Level.SENIOR: _numbered(
        Level.SENIOR,
        (
            "中专学历（取得其他专业），连续从事相关领域工作满4年",
            Educated(Education.SECONDARY_VOCATIONAL),
            Worked(4),
        ),
        (
            "大专学历（取得其他专业），连续从事相关领域工作满3年",
            Educated(Education.JUNIOR_COLLEGE),
            Worked(3),
        ),
        (
            "本科学历（取得其他专业），连续从事相关领域工作满2年",
            Educated(Education.UNDERGRADUATE),
            Worked(2),
        ),
        (
            "研究生及以上学历（取得其他专业）连续从事相关领域工作满2年",
            Educated(Education.POSTGRADUATE),
            Worked(2),
        ),
        (
            "具有环境工程与科学、能源等相关专业大专及以上学历，从事相关领域工作满一年",
            Educated(Education.JUNIOR_COLLEGE, related_major=True),
            Worked(1),
        ),
        (
            "取得中级双碳（碳达峰和碳中和）岗位能力证书，从事相关领域工作满一年",
            Certified(CertificateKind.DUAL_CARBON, Level.INTERMEDIATE),
            Worked(1),
        ),
        (
            "取得其他高级职业或技能证书、职称证书等满一年",
            Certified(CertificateKind.OTHER, Level.SENIOR, for_months=12),
        ),
    ),
}


@dataclass(frozen=True)
class Decision:
    level: Level
    matched: tuple[Condition, ...]  # every condition met, in handbook order
    reasons: tuple[str, ...]  # one per condition not met: what is missing

    @property
    def eligible(self) -> bool:
        return bool(self.matched)

    @property
    def condition(self) -> Condition | None:
        return self.matched[0] if self.matched else None

    @property
    def summary(self) -> str:
        if self.condition:
            return f"符合 {self.condition}"
        return f"不符合{self.level.label}报名条件：" + "".join(
            f"{reason}。" for reason in self.reasons
        )


def decide(applicant: Applicant, level: Level | int, *, as_of: date, work_cutoff: date) -> Decision:
    """Which conditions of `level` the applicant meets for a sitting held on `as_of`."""
    level = Level(level)
    standing = Standing(applicant, as_of, _counted_work_months(applicant, work_cutoff))
    matched, reasons = [], []
    for condition in CONDITIONS[level]:
        if gaps := condition.shortfalls(standing):
            reasons.append(f"{condition}：{'；'.join(gaps)}")
        else:
            matched.append(condition)
    return Decision(level, tuple(matched), tuple(reasons))
