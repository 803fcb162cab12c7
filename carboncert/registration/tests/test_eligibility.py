from datetime import date
from decimal import Decimal

import pytest

from carboncert.catalog import syllabus
from carboncert.registration.eligibility import (
    CONDITIONS,
    HANDBOOK_WORK_CUTOFF,
    Applicant,
    Certificate,
    CertificateKind,
    Degree,
    Education,
    Level,
    WorkPeriod,
    decide,
    full_months_between,
    work_months,
)

HIGH_SCHOOL, SECONDARY_VOCATIONAL, JUNIOR_COLLEGE, UNDERGRADUATE, POSTGRADUATE = Education
JUNIOR, INTERMEDIATE, SENIOR = Level

AS_OF = date(2026, 6, 20)  # a June sitting: before most degrees of the year are conferred
CUTOFF = HANDBOOK_WORK_CUTOFF
EARLIER_CUTOFF = date(2022, 11, 30)  # one month less of work
LONG_AGO = date(2015, 7, 1)
TOO_LATE = date(2026, 6, 30)  # after the sitting


def degree(education, on=LONG_AGO, related=False):
    return Degree(education, graduated_on=on, major_related=related)


def dual_carbon(level, on=LONG_AGO):
    return Certificate(CertificateKind.DUAL_CARBON, level, on)


def other(level, on=LONG_AGO):
    return Certificate(CertificateKind.OTHER, level, on)


def person(*held, months=0, student=False):
    """An applicant holding degrees and certificates, with `months` of work by the handbook's cut-off."""
    first = 2023 * 12 - months  # counted in months since year 0; the cut-off ends 2022
    return Applicant(
        degrees=tuple(h for h in held if isinstance(h, Degree)),
        certificates=tuple(h for h in held if isinstance(h, Certificate)),
        work_periods=(WorkPeriod(date(first // 12, first % 12 + 1, 1)),) if months else (),
        student=student,
    )


def numbers(conditions):
    return [c.number for c in conditions]


# --- the calendar ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        pytest.param(date(2020, 1, 1), date(2023, 1, 1), 36, id="three-years"),
        pytest.param(date(2026, 6, 20), date(2026, 6, 20), 0, id="same-day"),
        pytest.param(date(2025, 12, 20), date(2026, 12, 19), 11, id="a-day-short-of-a-year"),
        pytest.param(date(2025, 12, 19), date(2026, 12, 19), 12, id="a-year-to-the-day"),
        pytest.param(date(2020, 12, 15), date(2021, 1, 14), 0, id="across-new-year-short"),
        pytest.param(date(2020, 12, 15), date(2021, 1, 15), 1, id="across-new-year"),
        pytest.param(date(2021, 1, 31), date(2021, 2, 28), 1, id="jan-31-to-feb-28"),
        pytest.param(date(2021, 1, 31), date(2021, 2, 27), 0, id="jan-31-to-feb-27"),
        pytest.param(date(2024, 1, 31), date(2024, 2, 29), 1, id="jan-31-to-leap-feb-29"),
        pytest.param(date(2024, 1, 31), date(2024, 2, 28), 0, id="jan-31-to-leap-feb-28"),
        pytest.param(date(2021, 1, 31), date(2021, 3, 31), 2, id="month-end-does-not-drift"),
        pytest.param(date(2021, 3, 31), date(2021, 4, 30), 1, id="mar-31-to-apr-30"),
        pytest.param(date(2024, 2, 29), date(2025, 2, 28), 12, id="leap-day-anniversary"),
        pytest.param(date(2024, 2, 29), date(2025, 2, 27), 11, id="leap-day-short"),
        pytest.param(date(2024, 2, 29), date(2028, 2, 29), 48, id="leap-day-to-leap-day"),
        pytest.param(date(2023, 3, 1), date(2024, 2, 29), 11, id="to-a-leap-day"),
    ],
)
def test_full_months_between(start, end, months):
    assert full_months_between(start, end) == months


def test_full_months_between_refuses_an_end_before_the_start():
    with pytest.raises(ValueError):
        full_months_between(date(2026, 1, 2), date(2026, 1, 1))


def period(start, end=None):
    return WorkPeriod(date.fromisoformat(start), end and date.fromisoformat(end))


@pytest.mark.parametrize(
    ("periods", "cutoff", "months"),
    [
        pytest.param((), CUTOFF, 0, id="no-work"),
        pytest.param((period("2020-01-01", "2022-12-31"),), CUTOFF, 36, id="closed-period"),
        pytest.param((period("2022-01-01", "2022-12-30"),), CUTOFF, 11, id="a-day-short"),
        pytest.param((period("2020-02-01", "2020-02-29"),), CUTOFF, 1, id="leap-february"),
        pytest.param(
            (period("2020-02-01", "2020-02-28"),), CUTOFF, 0, id="leap-february-less-a-day"
        ),
        pytest.param((period("2020-01-01"),), CUTOFF, 36, id="ongoing"),
        pytest.param((period("2020-01-01"),), EARLIER_CUTOFF, 35, id="ongoing-earlier-cutoff"),
        pytest.param((period("2020-01-01", "2024-06-30"),), CUTOFF, 36, id="runs-past-cutoff"),
        pytest.param((period("2023-03-01", "2024-06-30"),), CUTOFF, 0, id="after-cutoff"),
        pytest.param((period("2022-12-31"),), CUTOFF, 0, id="starts-on-cutoff-day"),
        pytest.param(
            (period("2020-01-01", "2021-12-31"), period("2021-01-01", "2022-12-31")),
            CUTOFF,
            36,
            id="overlap-counted-once",
        ),
        pytest.param(
            (period("2021-01-01", "2022-12-31"), period("2020-01-01", "2021-12-31")),
            CUTOFF,
            36,
            id="overlap-in-any-order",
        ),
        pytest.param(
            (period("2020-01-01", "2022-12-31"), period("2021-03-01", "2021-05-31")),
            CUTOFF,
            36,
            id="period-inside-another",
        ),
        pytest.param((period("2020-01-01"), period("2021-06-01")), CUTOFF, 36, id="two-ongoing"),
        pytest.param(
            (period("2019-01-01", "2019-12-31"), period("2021-01-01", "2022-12-31")),
            CUTOFF,
            36,
            id="separate-periods-add-up",
        ),
        pytest.param(
            (period("2020-01-15", "2020-06-30"), period("2020-07-01", "2021-01-14")),
            CUTOFF,
            12,
            id="back-to-back-is-one-stretch",
        ),
        pytest.param(
            (period("2020-01-15", "2020-06-30"), period("2020-08-01", "2021-01-14")),
            CUTOFF,
            10,
            id="days-of-separate-stretches-not-pooled",
        ),
    ],
)
def test_work_months(periods, cutoff, months):
    assert work_months(periods, cutoff) == months


# --- one case per condition that passes because of it -------------------------


@pytest.mark.parametrize(
    ("level", "number", "applicant"),
    [
        pytest.param(JUNIOR, 1, person(months=36), id="junior-1-three-years-of-work"),
        pytest.param(JUNIOR, 2, person(degree(HIGH_SCHOOL), months=24), id="junior-2-high-school"),
        pytest.param(
            JUNIOR, 3, person(degree(SECONDARY_VOCATIONAL), months=12), id="junior-3-secondary"
        ),
        pytest.param(JUNIOR, 4, person(student=True), id="junior-4-student"),
        pytest.param(JUNIOR, 5, person(other(JUNIOR)), id="junior-5-other-certificate"),
        pytest.param(
            INTERMEDIATE, 1, person(degree(SECONDARY_VOCATIONAL), months=36), id="mid-1-secondary"
        ),
        pytest.param(
            INTERMEDIATE, 2, person(degree(JUNIOR_COLLEGE), months=24), id="mid-2-college"
        ),
        pytest.param(
            INTERMEDIATE, 3, person(degree(UNDERGRADUATE), months=12), id="mid-3-undergraduate"
        ),
        pytest.param(INTERMEDIATE, 4, person(degree(POSTGRADUATE)), id="mid-4-postgraduate"),
        pytest.param(
            INTERMEDIATE, 5, person(degree(JUNIOR_COLLEGE, related=True)), id="mid-5-related-major"
        ),
        pytest.param(
            INTERMEDIATE, 6, person(dual_carbon(JUNIOR), months=12), id="mid-6-dual-carbon"
        ),
        pytest.param(INTERMEDIATE, 7, person(other(INTERMEDIATE)), id="mid-7-other-certificate"),
        pytest.param(
            SENIOR, 1, person(degree(SECONDARY_VOCATIONAL), months=48), id="senior-1-secondary"
        ),
        pytest.param(SENIOR, 2, person(degree(JUNIOR_COLLEGE), months=36), id="senior-2-college"),
        pytest.param(
            SENIOR, 3, person(degree(UNDERGRADUATE), months=24), id="senior-3-undergraduate"
        ),
        pytest.param(
            SENIOR,
            5,
            person(degree(JUNIOR_COLLEGE, related=True), months=12),
            id="senior-5-related-major",
        ),
        pytest.param(
            SENIOR, 6, person(dual_carbon(INTERMEDIATE), months=12), id="senior-6-dual-carbon"
        ),
        pytest.param(
            SENIOR,
            7,
            person(other(SENIOR, on=date(2025, 6, 20))),
            id="senior-7-held-a-year-to-the-day",
        ),
    ],
)
def test_it_passes_on_that_condition_alone(level, number, applicant):
    decision = decide(applicant, level, as_of=AS_OF, work_cutoff=CUTOFF)
    assert decision.eligible
    assert decision.condition == CONDITIONS[level][number - 1]
    assert numbers(decision.matched) == [number]
    assert len(decision.reasons) == len(CONDITIONS[level]) - 1


def test_senior_4_always_comes_after_3():
    # 研究生 is at least 本科, and both want 2 years: (3) is met whenever (4) is.
    decision = decide(
        person(degree(POSTGRADUATE), months=24), SENIOR, as_of=AS_OF, work_cutoff=CUTOFF
    )
    assert numbers(decision.matched) == [3, 4]
    assert decision.condition.number == 3


# --- and near misses, with what the reviewer is told ---------------------------


def miss(level, number, applicant, shortfall, name, *, cutoff=CUTOFF, as_of=AS_OF):
    return pytest.param(level, number, applicant, cutoff, as_of, shortfall, id=name)


LATE_NOTE = "，晚于考试日期 2026-06-20）"

NEAR_MISSES = [
    # 初级
    miss(
        JUNIOR, 1, person(months=35), "相关工作年限为 35 个月，不足 36 个月", "junior-1-month-short"
    ),
    miss(
        JUNIOR,
        1,
        person(months=36),
        "相关工作年限为 35 个月，不足 36 个月",
        "junior-1-earlier-cutoff",
        cutoff=EARLIER_CUTOFF,
    ),
    miss(
        JUNIOR,
        2,
        person(degree(HIGH_SCHOOL), months=23),
        "相关工作年限为 23 个月，不足 24 个月",
        "junior-2-month-short",
    ),
    miss(JUNIOR, 2, person(months=24), "无学历，需高中及以上", "junior-2-no-education"),
    miss(
        JUNIOR,
        2,
        person(degree(HIGH_SCHOOL, on=TOO_LATE), months=24),
        "无学历，需高中及以上（高中于 2026-06-30 毕业" + LATE_NOTE,
        "junior-2-graduates-after-sitting",
    ),
    miss(
        JUNIOR,
        2,
        person(degree(HIGH_SCHOOL), months=24),
        "相关工作年限为 23 个月，不足 24 个月",
        "junior-2-earlier-cutoff",
        cutoff=EARLIER_CUTOFF,
    ),
    miss(
        JUNIOR,
        3,
        person(degree(SECONDARY_VOCATIONAL), months=11),
        "相关工作年限为 11 个月，不足 12 个月",
        "junior-3-month-short",
    ),
    miss(
        JUNIOR,
        3,
        person(degree(HIGH_SCHOOL), months=12),
        "学历为高中，需中专及以上",
        "junior-3-education-a-step-lower",
    ),
    miss(
        JUNIOR,
        3,
        person(degree(SECONDARY_VOCATIONAL, on=TOO_LATE), months=12),
        "无学历，需中专及以上（中专于 2026-06-30 毕业" + LATE_NOTE,
        "junior-3-graduates-after-sitting",
    ),
    miss(
        JUNIOR,
        3,
        person(degree(SECONDARY_VOCATIONAL), months=12),
        "相关工作年限为 11 个月，不足 12 个月",
        "junior-3-earlier-cutoff",
        cutoff=EARLIER_CUTOFF,
    ),
    miss(JUNIOR, 4, person(), "非在校大学生或职业院校学生", "junior-4-not-a-student"),
    miss(
        JUNIOR,
        4,
        person(degree(UNDERGRADUATE)),
        "非在校大学生或职业院校学生",
        "junior-4-graduate-is-no-student",
    ),
    miss(
        JUNIOR,
        5,
        person(),
        "未取得初级及以上其他职业或技能证书、职称证书",
        "junior-5-no-certificate",
    ),
    miss(
        JUNIOR,
        5,
        person(other(JUNIOR, on=TOO_LATE)),
        "未取得初级及以上其他职业或技能证书、职称证书（初级证书于 2026-06-30 取得" + LATE_NOTE,
        "junior-5-certificate-after-sitting",
    ),
    miss(
        JUNIOR,
        5,
        person(dual_carbon(JUNIOR)),
        "未取得初级及以上其他职业或技能证书、职称证书",
        "junior-5-dual-carbon-is-not-other",
    ),
    # 中级
    miss(
        INTERMEDIATE,
        1,
        person(degree(SECONDARY_VOCATIONAL), months=35),
        "相关工作年限为 35 个月，不足 36 个月",
        "mid-1-month-short",
    ),
    miss(
        INTERMEDIATE,
        1,
        person(degree(HIGH_SCHOOL), months=36),
        "学历为高中，需中专及以上",
        "mid-1-education-a-step-lower",
    ),
    miss(
        INTERMEDIATE,
        1,
        person(degree(SECONDARY_VOCATIONAL), months=36),
        "相关工作年限为 35 个月，不足 36 个月",
        "mid-1-earlier-cutoff",
        cutoff=EARLIER_CUTOFF,
    ),
    miss(
        INTERMEDIATE,
        2,
        person(degree(JUNIOR_COLLEGE), months=23),
        "相关工作年限为 23 个月，不足 24 个月",
        "mid-2-month-short",
    ),
    miss(
        INTERMEDIATE,
        2,
        person(degree(SECONDARY_VOCATIONAL), months=24),
        "学历为中专，需大专及以上",
        "mid-2-education-a-step-lower",
    ),
    miss(
        INTERMEDIATE,
        2,
        person(degree(JUNIOR_COLLEGE), months=24),
        "相关工作年限为 23 个月，不足 24 个月",
        "mid-2-earlier-cutoff",
        cutoff=EARLIER_CUTOFF,
    ),
    miss(
        INTERMEDIATE,
        3,
        person(degree(UNDERGRADUATE), months=11),
        "相关工作年限为 11 个月，不足 12 个月",
        "mid-3-month-short",
    ),
    miss(
        INTERMEDIATE,
        3,
        person(degree(JUNIOR_COLLEGE), months=12),
        "学历为大专，需本科及以上",
        "mid-3-education-a-step-lower",
    ),
    miss(
        INTERMEDIATE,
        3,
        person(degree(JUNIOR_COLLEGE), degree(UNDERGRADUATE, on=TOO_LATE), months=12),
        "学历为大专，需本科及以上（本科于 2026-06-30 毕业" + LATE_NOTE,
        "mid-3-graduates-after-sitting",
    ),
    miss(
        INTERMEDIATE,
        3,
        person(degree(UNDERGRADUATE), months=12),
        "相关工作年限为 11 个月，不足 12 个月",
        "mid-3-earlier-cutoff",
        cutoff=EARLIER_CUTOFF,
    ),
    miss(
        INTERMEDIATE,
        4,
        person(degree(UNDERGRADUATE)),
        "学历为本科，需研究生及以上",
        "mid-4-education-a-step-lower",
    ),
    miss(
        INTERMEDIATE,
        4,
        person(degree(UNDERGRADUATE), degree(POSTGRADUATE, on=TOO_LATE)),
        "学历为本科，需研究生及以上（研究生于 2026-06-30 毕业" + LATE_NOTE,
        "mid-4-graduates-after-sitting",
    ),
    miss(
        INTERMEDIATE,
        5,
        person(degree(SECONDARY_VOCATIONAL, related=True)),
        "相关专业学历为中专，需大专及以上",
        "mid-5-education-a-step-lower",
    ),
    miss(
        INTERMEDIATE,
        5,
        person(degree(JUNIOR_COLLEGE)),
        "无相关专业学历，需大专及以上",
        "mid-5-other-major",
    ),
    miss(
        INTERMEDIATE,
        5,
        person(degree(JUNIOR_COLLEGE, on=TOO_LATE, related=True)),
        "无相关专业学历，需大专及以上（大专于 2026-06-30 毕业" + LATE_NOTE,
        "mid-5-graduates-after-sitting",
    ),
    miss(
        INTERMEDIATE,
        6,
        person(dual_carbon(JUNIOR), months=11),
        "相关工作年限为 11 个月，不足 12 个月",
        "mid-6-month-short",
    ),
    miss(
        INTERMEDIATE,
        6,
        person(months=12),
        "未取得初级及以上双碳岗位能力证书",
        "mid-6-no-certificate",
    ),
    miss(
        INTERMEDIATE,
        6,
        person(other(JUNIOR), months=12),
        "未取得初级及以上双碳岗位能力证书",
        "mid-6-other-certificate-is-not-dual-carbon",
    ),
    miss(
        INTERMEDIATE,
        6,
        person(dual_carbon(JUNIOR, on=TOO_LATE), months=12),
        "未取得初级及以上双碳岗位能力证书（初级证书于 2026-06-30 取得" + LATE_NOTE,
        "mid-6-certificate-after-sitting",
    ),
    miss(
        INTERMEDIATE,
        6,
        person(dual_carbon(JUNIOR), months=12),
        "相关工作年限为 11 个月，不足 12 个月",
        "mid-6-earlier-cutoff",
        cutoff=EARLIER_CUTOFF,
    ),
    miss(
        INTERMEDIATE,
        7,
        person(other(JUNIOR)),
        "其他职业或技能证书、职称证书最高为初级，需中级及以上",
        "mid-7-certificate-a-level-lower",
    ),
    miss(
        INTERMEDIATE,
        7,
        person(other(INTERMEDIATE, on=TOO_LATE)),
        "未取得中级及以上其他职业或技能证书、职称证书（中级证书于 2026-06-30 取得" + LATE_NOTE,
        "mid-7-certificate-after-sitting",
    ),
    # 高级
    miss(
        SENIOR,
        1,
        person(degree(SECONDARY_VOCATIONAL), months=47),
        "相关工作年限为 47 个月，不足 48 个月",
        "senior-1-month-short",
    ),
    miss(
        SENIOR,
        1,
        person(degree(HIGH_SCHOOL), months=48),
        "学历为高中，需中专及以上",
        "senior-1-education-a-step-lower",
    ),
    miss(
        SENIOR,
        1,
        person(degree(SECONDARY_VOCATIONAL), months=48),
        "相关工作年限为 47 个月，不足 48 个月",
        "senior-1-earlier-cutoff",
        cutoff=EARLIER_CUTOFF,
    ),
    miss(
        SENIOR,
        2,
        person(degree(JUNIOR_COLLEGE), months=35),
        "相关工作年限为 35 个月，不足 36 个月",
        "senior-2-month-short",
    ),
    miss(
        SENIOR,
        2,
        person(degree(SECONDARY_VOCATIONAL), months=36),
        "学历为中专，需大专及以上",
        "senior-2-education-a-step-lower",
    ),
    miss(
        SENIOR,
        2,
        person(degree(JUNIOR_COLLEGE), months=36),
        "相关工作年限为 35 个月，不足 36 个月",
        "senior-2-earlier-cutoff",
        cutoff=EARLIER_CUTOFF,
    ),
    miss(
        SENIOR,
        3,
        person(degree(UNDERGRADUATE), months=23),
        "相关工作年限为 23 个月，不足 24 个月",
        "senior-3-month-short",
    ),
    miss(
        SENIOR,
        3,
        person(degree(JUNIOR_COLLEGE), months=24),
        "学历为大专，需本科及以上",
        "senior-3-education-a-step-lower",
    ),
    miss(
        SENIOR,
        3,
        person(degree(UNDERGRADUATE, on=TOO_LATE), months=24),
        "无学历，需本科及以上（本科于 2026-06-30 毕业" + LATE_NOTE,
        "senior-3-graduates-after-sitting",
    ),
    miss(
        SENIOR,
        3,
        person(degree(UNDERGRADUATE), months=24),
        "相关工作年限为 23 个月，不足 24 个月",
        "senior-3-earlier-cutoff",
        cutoff=EARLIER_CUTOFF,
    ),
    miss(
        SENIOR,
        4,
        person(degree(POSTGRADUATE), months=23),
        "相关工作年限为 23 个月，不足 24 个月",
        "senior-4-month-short",
    ),
    miss(
        SENIOR,
        4,
        person(degree(UNDERGRADUATE), months=24),
        "学历为本科，需研究生及以上",
        "senior-4-education-a-step-lower",
    ),
    miss(
        SENIOR,
        4,
        person(degree(UNDERGRADUATE), degree(POSTGRADUATE, on=TOO_LATE), months=24),
        "学历为本科，需研究生及以上（研究生于 2026-06-30 毕业" + LATE_NOTE,
        "senior-4-graduates-after-sitting",
    ),
    miss(
        SENIOR,
        4,
        person(degree(POSTGRADUATE), months=24),
        "相关工作年限为 23 个月，不足 24 个月",
        "senior-4-earlier-cutoff",
        cutoff=EARLIER_CUTOFF,
    ),
    miss(
        SENIOR,
        5,
        person(degree(JUNIOR_COLLEGE, related=True), months=11),
        "相关工作年限为 11 个月，不足 12 个月",
        "senior-5-month-short",
    ),
    miss(
        SENIOR,
        5,
        person(degree(SECONDARY_VOCATIONAL, related=True), months=12),
        "相关专业学历为中专，需大专及以上",
        "senior-5-education-a-step-lower",
    ),
    miss(
        SENIOR,
        5,
        person(degree(JUNIOR_COLLEGE), months=12),
        "无相关专业学历，需大专及以上",
        "senior-5-other-major",
    ),
    miss(
        SENIOR,
        5,
        person(degree(JUNIOR_COLLEGE, related=True), months=12),
        "相关工作年限为 11 个月，不足 12 个月",
        "senior-5-earlier-cutoff",
        cutoff=EARLIER_CUTOFF,
    ),
    miss(
        SENIOR,
        6,
        person(dual_carbon(INTERMEDIATE), months=11),
        "相关工作年限为 11 个月，不足 12 个月",
        "senior-6-month-short",
    ),
    miss(
        SENIOR,
        6,
        person(dual_carbon(JUNIOR), months=12),
        "双碳岗位能力证书最高为初级，需中级及以上",
        "senior-6-certificate-a-level-lower",
    ),
    miss(
        SENIOR,
        6,
        person(dual_carbon(JUNIOR), dual_carbon(INTERMEDIATE, on=TOO_LATE), months=12),
        "双碳岗位能力证书最高为初级，需中级及以上（中级证书于 2026-06-30 取得" + LATE_NOTE,
        "senior-6-certificate-after-sitting",
    ),
    miss(
        SENIOR,
        6,
        person(dual_carbon(INTERMEDIATE), months=12),
        "相关工作年限为 11 个月，不足 12 个月",
        "senior-6-earlier-cutoff",
        cutoff=EARLIER_CUTOFF,
    ),
    miss(
        SENIOR,
        7,
        person(other(SENIOR, on=date(2025, 6, 21))),
        "高级证书于 2025-06-21 取得，至 2026-06-20 持有 11 个月，不足 12 个月",
        "senior-7-held-11-months",
    ),
    miss(
        SENIOR,
        7,
        person(other(SENIOR, on=date(2025, 12, 20))),
        "高级证书于 2025-12-20 取得，至 2026-12-19 持有 11 个月，不足 12 个月",
        "senior-7-held-11-months-29-days",
        as_of=date(2026, 12, 19),
    ),
    miss(
        SENIOR,
        7,
        person(other(INTERMEDIATE)),
        "其他职业或技能证书、职称证书最高为中级，需高级及以上",
        "senior-7-certificate-a-level-lower",
    ),
    miss(
        SENIOR,
        7,
        person(other(SENIOR, on=TOO_LATE)),
        "未取得高级及以上其他职业或技能证书、职称证书（高级证书于 2026-06-30 取得" + LATE_NOTE,
        "senior-7-certificate-after-sitting",
    ),
    miss(
        SENIOR,
        7,
        person(dual_carbon(SENIOR)),
        "未取得高级及以上其他职业或技能证书、职称证书",
        "senior-7-dual-carbon-is-not-other",
    ),
]


@pytest.mark.parametrize(
    ("level", "number", "applicant", "cutoff", "as_of", "shortfall"), NEAR_MISSES
)
def test_it_names_what_is_missing(level, number, applicant, cutoff, as_of, shortfall):
    decision = decide(applicant, level, as_of=as_of, work_cutoff=cutoff)
    condition = CONDITIONS[level][number - 1]
    assert condition not in decision.matched
    assert f"{condition}：{shortfall}" in decision.reasons


def test_the_reason_reads_as_the_reviewer_needs_it():
    decision = decide(
        person(degree(UNDERGRADUATE), months=11), INTERMEDIATE, as_of=AS_OF, work_cutoff=CUTOFF
    )
    assert (
        "中级 (3) 本科学历（取得其他专业），连续从事相关领域工作满1年：相关工作年限为 11 个月，不足 12 个月"
        in decision.reasons
    )
    assert decision.summary.startswith("不符合中级报名条件：中级 (1) ")


def test_a_reason_lists_every_shortfall_of_its_condition():
    decision = decide(
        person(degree(HIGH_SCHOOL), months=11), JUNIOR, as_of=AS_OF, work_cutoff=CUTOFF
    )
    assert (
        "初级 (3) 中专及以上学历，从事相关领域工作年限1年以上："
        "学历为高中，需中专及以上；相关工作年限为 11 个月，不足 12 个月"
    ) in decision.reasons


# --- whole decisions --------------------------------------------------------------


@pytest.mark.parametrize(("level", "count"), [(JUNIOR, 5), (INTERMEDIATE, 7), (SENIOR, 7)])
def test_an_applicant_with_nothing_meets_no_condition(level, count):
    decision = decide(Applicant(), level, as_of=AS_OF, work_cutoff=CUTOFF)
    assert not decision.eligible
    assert decision.matched == ()
    assert decision.condition is None
    assert len(decision.reasons) == count
    # One reason per condition, in handbook order.
    assert [reason.split("：")[0] for reason in decision.reasons] == [
        str(c) for c in CONDITIONS[level]
    ]


def test_the_summary_of_a_refusal_gives_every_reason():
    decision = decide(Applicant(), JUNIOR, as_of=AS_OF, work_cutoff=CUTOFF)
    assert decision.summary == (
        "不符合初级报名条件："
        "初级 (1) 从事相关领域工作年限满3年：相关工作年限为 0 个月，不足 36 个月。"
        "初级 (2) 高中及以上学历，从事相关领域工作年限2年以上：无学历，需高中及以上；相关工作年限为 0 个月，不足 24 个月。"
        "初级 (3) 中专及以上学历，从事相关领域工作年限1年以上：无学历，需中专及以上；相关工作年限为 0 个月，不足 12 个月。"
        "初级 (4) 在校大学生、相关职业院校学生：非在校大学生或职业院校学生。"
        "初级 (5) 取得其他初级职业或技能证书、职称证书等：未取得初级及以上其他职业或技能证书、职称证书。"
    )


def test_the_summary_of_an_admission_names_the_first_condition_met():
    decision = decide(person(degree(UNDERGRADUATE), months=12), 2, as_of=AS_OF, work_cutoff=CUTOFF)
    assert decision.summary == "符合 中级 (3) 本科学历（取得其他专业），连续从事相关领域工作满1年"


@pytest.mark.parametrize(
    ("level", "applicant", "matched"),
    [
        pytest.param(
            JUNIOR,
            person(degree(POSTGRADUATE), months=12),
            [3],
            id="postgraduate-meets-a-secondary-condition",
        ),
        pytest.param(
            INTERMEDIATE,
            person(degree(UNDERGRADUATE), months=36),
            [1, 2, 3],
            id="undergraduate-meets-the-lower-education-conditions",
        ),
        pytest.param(
            INTERMEDIATE,
            person(degree(UNDERGRADUATE, related=True), months=12),
            [3, 5],
            id="related-major-meets-any-major-conditions",
        ),
        pytest.param(
            INTERMEDIATE,
            person(degree(JUNIOR_COLLEGE, related=True), degree(UNDERGRADUATE), months=12),
            [3, 5],
            id="related-college-then-other-undergraduate",
        ),
        pytest.param(
            INTERMEDIATE,
            person(dual_carbon(INTERMEDIATE), months=12),
            [6],
            id="higher-dual-carbon-certificate",
        ),
        pytest.param(
            SENIOR,
            person(dual_carbon(SENIOR), months=12),
            [6],
            id="senior-dual-carbon-meets-intermediate",
        ),
        pytest.param(JUNIOR, person(other(SENIOR)), [5], id="senior-other-meets-junior"),
        pytest.param(
            INTERMEDIATE, person(other(SENIOR)), [7], id="senior-other-meets-intermediate"
        ),
        pytest.param(
            SENIOR,
            person(other(SENIOR, on=date(2026, 1, 1)), other(SENIOR, on=date(2024, 1, 1))),
            [7],
            id="the-longest-held-certificate-counts",
        ),
        pytest.param(
            SENIOR,
            person(other(SENIOR, on=date(2024, 2, 29))),
            [7],
            id="certificate-from-a-leap-day",
        ),
    ],
)
def test_levels_are_at_least(level, applicant, matched):
    decision = decide(applicant, level, as_of=AS_OF, work_cutoff=CUTOFF)
    assert numbers(decision.matched) == matched


# --- declared work years ----------------------------------------------------------


@pytest.mark.parametrize(
    ("years", "months"),
    [
        pytest.param(3, 36, id="int"),
        pytest.param(3.0, 36, id="float"),
        pytest.param(Decimal("3.00"), 36, id="decimal"),
        pytest.param(Decimal("2.99"), 35, id="decimal-just-short"),
        pytest.param(2.95, 35, id="float-just-short"),
        pytest.param(Decimal("2.5"), 30, id="half-year"),
        pytest.param(0.1, 1, id="a-tenth-of-a-year"),
        pytest.param(0, 0, id="none"),
    ],
)
def test_declared_years_are_compared_in_whole_months(years, months):
    applicant = Applicant(declared_work_years=years)
    decision = decide(applicant, JUNIOR, as_of=AS_OF, work_cutoff=CUTOFF)
    assert decision.eligible is (months >= 36)
    if not decision.eligible:
        assert decision.reasons[0].endswith(f"：相关工作年限为 {months} 个月，不足 36 个月")


def test_declared_years_are_taken_as_counted_to_the_cutoff():
    applicant = Applicant(declared_work_years=Decimal("3"))
    assert decide(applicant, JUNIOR, as_of=AS_OF, work_cutoff=date(2019, 12, 31)).eligible


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(
            lambda: Applicant(work_periods=(period("2020-01-01"),), declared_work_years=3),
            id="periods-and-declared-years",
        ),
        pytest.param(lambda: Applicant(declared_work_years=-1), id="negative-years"),
        pytest.param(lambda: period("2022-01-01", "2021-12-31"), id="period-ends-before-it-starts"),
    ],
)
def test_it_refuses_contradictory_facts(build):
    with pytest.raises(ValueError):
        build()


def test_the_conditions_are_the_catalogue_conditions():
    # The catalogue pages show programme.yaml; the decisions must be about the same words.
    shown = {lv.code: list(lv.eligibility) for lv in syllabus.shipped().levels}
    assert {level.value: [c.text for c in CONDITIONS[level]] for level in Level} == shown
