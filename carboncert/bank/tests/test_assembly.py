import random
import re
from collections import Counter
from decimal import Decimal
from functools import cache
from itertools import product

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from carboncert.bank.assembly import (
    ALLOCATIONS,
    DEFAULT_SECTIONS,
    DIFFICULTY_TOLERANCE,
    Assembler,
    AssemblyError,
    BankEntry,
    Blueprint,
    Paper,
    PaperItem,
    Section,
    assemble,
    blueprint_for,
    displayed_key,
    exposure_report,
    fixed_forms,
    shortfalls,
)
from carboncert.bank.items import OPTION_KEYS, Parameter, QuestionType
from carboncert.catalog import syllabus

SINGLE, MULTIPLE, TRUE_FALSE, SHORT, NUMERIC = (
    QuestionType.SINGLE,
    QuestionType.MULTIPLE,
    QuestionType.TRUE_FALSE,
    QuestionType.SHORT,
    QuestionType.NUMERIC,
)
SUBJECTS = {s.code: s for s in syllabus.load().subjects}
# Every question type, numeric calculation included.
EVERY_TYPE = (
    Section(SINGLE, 20, 1),
    Section(TRUE_FALSE, 10, 1),
    Section(MULTIPLE, 15, 2),
    Section(NUMERIC, 2, 10),
    Section(SHORT, 2, 10),
)
PER_MODULE = {SINGLE: 40, TRUE_FALSE: 15, MULTIPLE: 20, NUMERIC: 6, SHORT: 6}
OPTION_COUNTS = {SINGLE: (4,), TRUE_FALSE: (2,), MULTIPLE: (4, 5, 6), NUMERIC: (0,), SHORT: (0,)}
PARAMETERS = (
    Parameter("fuel", Decimal("100"), Decimal("500"), Decimal("0.5"), "t"),
    Parameter("ef", Decimal("2.25"), Decimal("3"), Decimal("0.05"), "tCO2/t"),
    Parameter("share", Decimal("1"), Decimal("1"), Decimal("1")),
)


def correct_options(entry: BankEntry) -> frozenset[int]:
    """The authored key of a synthetic question: one option for single choice, two or more for multiple."""
    first = entry.version_id % entry.option_count
    if entry.type is not MULTIPLE:
        return frozenset({first})
    extra = {i for i in range(entry.option_count) if entry.version_id >> i & 1}
    return frozenset({first, (first + 1) % entry.option_count} | extra)


def modules_by_point(subject) -> dict[str, frozenset[int]]:
    found: dict[str, set[int]] = {}
    for m, module in enumerate(subject.modules):
        for point in module.points:
            found.setdefault(point, set()).add(m)
    return {point: frozenset(modules) for point, modules in found.items()}


def synthetic_bank(subject) -> list[BankEntry]:
    """Enough questions of each type per module, on the module's points in turn, random difficulty."""
    rng = random.Random(0)
    modules_of = modules_by_point(subject)
    entries = []
    for kind, count in PER_MODULE.items():
        for module in subject.modules:
            for n in range(count):
                entries.append(
                    BankEntry(
                        version_id=len(entries) + 1,
                        modules=modules_of[module.points[n % len(module.points)]],
                        type=kind,
                        difficulty=rng.randint(1, 5),
                        option_count=rng.choice(OPTION_COUNTS[kind]),
                        parameters=PARAMETERS if kind is NUMERIC else (),
                    )
                )
    return entries


@cache
def prepared(code: str, sections: tuple[Section, ...] = DEFAULT_SECTIONS):
    subject = SUBJECTS[code]
    blueprint = blueprint_for([m.weight for m in subject.modules], sections)
    bank = synthetic_bank(subject)
    return blueprint, Assembler(blueprint, bank), {e.version_id: e for e in bank}


def assert_valid(paper: Paper, blueprint: Blueprint, bank: dict[int, BankEntry]) -> None:
    items = paper.items
    assert paper.module_points(len(blueprint.module_points)) == blueprint.module_points
    # Without a true/false section, true/false questions serve the single-choice one.
    own_section = TRUE_FALSE in {s.type for s in blueprint.sections}

    def section_of(item):
        return SINGLE if item.type is TRUE_FALSE and not own_section else item.type

    assert [(section_of(i), i.points) for i in items] == [
        (s.type, s.points) for s in blueprint.sections for _ in range(s.count)
    ]
    assert len({i.version_id for i in items}) == len(items)
    for section in blueprint.sections:
        modules = [i.module for i in items if section_of(i) is section.type]
        assert modules == sorted(modules)  # grouped by module, syllabus order
    for item in items:
        entry = bank[item.version_id]
        assert item.module in entry.modules
        assert (item.type, item.difficulty) == (entry.type, entry.difficulty)
        assert sorted(item.option_order) == list(range(entry.option_count))
        if item.type is TRUE_FALSE:
            assert item.option_order == (0, 1)
        if item.type in (SINGLE, MULTIPLE):
            key = displayed_key(correct_options(entry), item.option_order)
            shown = {item.option_order[OPTION_KEYS.index(letter)] for letter in key}
            assert shown == correct_options(entry)
            assert list(key) == sorted(key)
        if item.type is NUMERIC:
            assert [name for name, _ in item.parameters] == [p.name for p in entry.parameters]
            for (_, value), p in zip(item.parameters, entry.parameters, strict=True):
                assert p.low <= value <= p.high
                assert (value - p.low) % p.step == 0
                assert value.as_tuple().exponent == min(
                    p.low.as_tuple().exponent, p.step.as_tuple().exponent
                )
        else:
            assert item.parameters == ()
    assert abs(paper.difficulty - blueprint.difficulty_target) <= DIFFICULTY_TOLERANCE + 1e-9


# --- every subject, many seeds --------------------------------------------------------


@given(seed=st.integers(0, 2**64 - 1), sections=st.sampled_from([DEFAULT_SECTIONS, EVERY_TYPE]))
@settings(max_examples=200, deadline=None)
def test_every_paper_of_every_subject_follows_its_blueprint(seed, sections):
    for code in SUBJECTS:
        note(code)
        blueprint, assembler, bank = prepared(code, sections)
        assert_valid(assembler.paper(seed), blueprint, bank)


def test_the_twelve_subjects_all_have_papers_and_ce1_shares_a_point():
    assert len(SUBJECTS) == 12
    for code in SUBJECTS:
        assert prepared(code)[1].plans, code
    shared = modules_by_point(SUBJECTS["CE-1"])["碳排放量化与报告原则"]
    assert shared == {1, 2}


def test_a_question_on_a_shared_point_counts_under_either_module_once():
    _, assembler, bank = prepared("CE-1")
    under = Counter()
    for seed in range(300):
        for item in assembler.paper(seed).items:
            if len(bank[item.version_id].modules) > 1:
                under[item.module] += 1
    assert set(under) == {1, 2}


def test_the_same_seed_rebuilds_the_same_paper_whatever_the_bank_order():
    blueprint, assembler, bank = prepared("CE-1")
    shuffled = list(bank.values())
    random.Random(7).shuffle(shuffled)
    for seed in (0, 1, 2**40 + 3):
        paper = assembler.paper(seed)
        assert paper == assemble(blueprint, shuffled, seed)
        assert paper.seed == seed


def test_different_seeds_give_different_papers_and_allocations():
    _, assembler, _ = prepared("CE-1")
    papers = [assembler.paper(seed) for seed in range(200)]
    assert len({p.items for p in papers}) == 200
    allocations = {
        tuple(sorted(Counter((i.module, i.type) for i in p.items).items())) for p in papers
    }
    assert len(allocations) >= 10
    assert len(assembler.allocations) == ALLOCATIONS


def test_questions_of_a_module_come_in_random_order():
    # Drawn by difficulty, but not listed by difficulty: none of 20 papers sorts them.
    _, assembler, _ = prepared("CE-1")
    for seed in range(20):
        items = assembler.paper(seed).items
        module = [i.difficulty for i in items if i.type is SINGLE and i.module == 2]
        assert module != sorted(module)


def test_choice_options_are_shuffled_evenly_and_true_false_never():
    _, assembler, _ = prepared("CE-1", EVERY_TYPE)
    first_shown = Counter()
    for seed in range(200):
        for item in assembler.paper(seed).items:
            if item.type is SINGLE:
                first_shown[item.option_order[0]] += 1
            if item.type is TRUE_FALSE:
                assert item.option_order == (0, 1)
    # 4,000 single choices: each authored option leads about a quarter of the time.
    assert set(first_shown) == {0, 1, 2, 3}
    assert all(800 < n < 1200 for n in first_shown.values())


@pytest.mark.parametrize(
    ("correct", "order", "key"),
    [
        ({0}, (0, 1, 2, 3), "A"),
        ({0}, (3, 2, 1, 0), "D"),
        ({0, 2}, (2, 0, 1, 3), "AB"),
        ({1, 3}, (3, 0, 2, 1), "AD"),
        ({0, 1, 4}, (4, 3, 2, 1, 0), "ADE"),
        ({7}, (7, 6, 5, 4, 3, 2, 1, 0), "A"),
    ],
)
def test_the_displayed_key_follows_the_option_order(correct, order, key):
    assert displayed_key(correct, order) == key


@pytest.mark.parametrize("target", [1.5, 2.0, 4.0, 4.5])
def test_papers_meet_the_difficulty_target_and_favour_questions_near_it(target):
    subject = SUBJECTS["CM-2"]
    blueprint = blueprint_for([m.weight for m in subject.modules], difficulty_target=target)
    assembler = Assembler(blueprint, synthetic_bank(subject))
    papers = [assembler.paper(seed) for seed in range(100)]
    assert all(abs(p.difficulty - target) <= DIFFICULTY_TOLERANCE + 1e-9 for p in papers)
    levels = Counter(i.difficulty for p in papers for i in p.items)
    near, far = round(target), 5 if target < 3 else 1
    assert levels[near] > 2 * levels[far]


def test_numeric_parameters_cover_their_range_on_the_step():
    _, assembler, _ = prepared("CE-1", EVERY_TYPE)
    seen = {
        value
        for seed in range(300)
        for item in assembler.paper(seed).items
        for name, value in item.parameters
        if name == "ef"
    }
    assert seen == {Decimal("2.25") + Decimal("0.05") * n for n in range(16)}


# --- blueprints ---------------------------------------------------------------------


def test_the_default_paper_is_100_points_at_the_syllabus_weights():
    blueprint = blueprint_for([10, 25, 45, 20])
    assert blueprint.module_points == (10, 25, 45, 20)
    assert blueprint.total == sum(s.total for s in DEFAULT_SECTIONS) == 100
    assert blueprint.problems() == []
    assert blueprint_for([10, 90], [Section(SINGLE, 50, 4)]).module_points == (20, 180)
    with pytest.raises(ValueError, match="权重 25% 在 50 分的试卷中不是整数分"):
        blueprint_for([25, 75], [Section(SINGLE, 50, 1)])


@pytest.mark.parametrize(
    ("blueprint", "problem"),
    [
        (Blueprint((10, 25, 45, 25)), "各题型合计 100 分，与各模块合计 105 分不一致"),
        (Blueprint((), ()), "蓝图没有模块"),
        (Blueprint((), ()), "蓝图没有题型"),
        (Blueprint((0, 100)), "模块1的分值应大于 0"),
        (
            Blueprint((100,), (Section(SINGLE, 0, 1), Section(SHORT, 10, 10))),
            "单选题的题数应大于 0",
        ),
        (Blueprint((0,), (Section(SHORT, 1, 0),)), "简答题的每题分值应大于 0"),
        (Blueprint((2,), (Section(SINGLE, 1, 1), Section(SINGLE, 1, 1))), "单选题出现了不止一次"),
        (Blueprint((10, 25, 45, 20), difficulty_target=6), "目标难度应在 1 到 5 之间"),
    ],
)
def test_a_wrong_blueprint_says_what_is_wrong(blueprint, problem):
    assert problem in blueprint.problems()
    assert problem in shortfalls(blueprint, [])
    with pytest.raises(AssemblyError, match=problem):
        assemble(blueprint, [], seed=1)


@pytest.mark.parametrize(
    "blueprint",
    [
        blueprint_for(
            [10, 25, 45, 20],
            [Section(SINGLE, 20, 1), Section(MULTIPLE, 10, 2), Section(SHORT, 6, 10)],
        ),
        # Where the cheapest options of each module are not enough to find the 24 best.
        Blueprint(
            (44, 35, 37, 19),
            (Section(SINGLE, 10, 2), Section(MULTIPLE, 9, 5), Section(SHORT, 7, 10)),
        ),
    ],
)
def test_the_acceptable_allocations_are_the_most_proportional_ones(blueprint):
    counts = [s.count for s in blueprint.sections]

    def distance(allocation) -> float:
        # Squared distance in points from spreading every section by the module weights.
        return sum(
            (s.points * (n - s.count * points / blueprint.total)) ** 2
            for points, row in zip(blueprint.module_points, allocation, strict=True)
            for s, n in zip(blueprint.sections, row, strict=True)
        )

    rows = [
        [
            row
            for row in product(*(range(c + 1) for c in counts))
            if sum(s.points * n for s, n in zip(blueprint.sections, row, strict=True)) == points
        ]
        for points in blueprint.module_points
    ]
    every = [
        a for a in product(*rows) if [sum(column) for column in zip(*a, strict=True)] == counts
    ]
    assert len(every) > ALLOCATIONS
    found = Assembler(blueprint, []).allocations
    assert len(set(found)) == ALLOCATIONS
    assert [distance(a) for a in found] == pytest.approx(sorted(map(distance, every))[:ALLOCATIONS])


# --- when the bank or the weights do not allow a paper --------------------------------


def without_module_multiples(subject, module: int) -> list[BankEntry]:
    return [e for e in synthetic_bank(subject) if not (e.type is MULTIPLE and module in e.modules)]


def exclusive_multiples(count: int, module: int, first_version: int) -> list[BankEntry]:
    return [BankEntry(first_version + n, frozenset({module}), MULTIPLE, 3, 4) for n in range(count)]


def test_too_few_multiple_choice_in_a_module_names_the_module_the_type_and_how_many():
    subject = SUBJECTS["CE-1"]
    names = [m.name for m in subject.modules]
    blueprint = blueprint_for([m.weight for m in subject.modules])
    bank = without_module_multiples(subject, 1)
    found = shortfalls(blueprint, bank, names)
    assert len(found) == 1
    lacking = int(re.fullmatch(r"模块2「碳排放基础知识」缺少多选题 (\d+) 道", found[0])[1])
    assert lacking >= 1
    with pytest.raises(AssemblyError) as raised:
        assemble(blueprint, bank, seed=5)
    assert raised.value.problems == [found[0].replace("「碳排放基础知识」", "")]
    # Exactly that many more make papers possible; one fewer leaves one lacking.
    almost = bank + exclusive_multiples(lacking - 1, 1, 100_000)
    assert shortfalls(blueprint, almost, names) == ["模块2「碳排放基础知识」缺少多选题 1 道"]
    enough = bank + exclusive_multiples(lacking, 1, 100_000)
    assert shortfalls(blueprint, enough, names) == []
    assert assemble(blueprint, enough, seed=5).module_points(4) == (10, 25, 45, 20)


def test_without_names_a_module_is_named_by_its_number():
    subject = SUBJECTS["CE-1"]
    blueprint = blueprint_for([m.weight for m in subject.modules])
    [message] = shortfalls(blueprint, without_module_multiples(subject, 3))
    assert re.fullmatch(r"模块4缺少多选题 \d+ 道", message)


TWO_BY_TWO = Blueprint((4, 4), (Section(MULTIPLE, 4, 2),))  # each module: exactly 2 multiple choice


def shared_bank(shared: int, own: dict[int, int]) -> list[BankEntry]:
    entries = [BankEntry(n + 1, frozenset({0, 1}), MULTIPLE, 3, 4) for n in range(shared)]
    for module, count in own.items():
        entries += exclusive_multiples(count, module, 100 * (module + 1))
    return entries


@pytest.mark.parametrize(
    ("shared", "own", "lacking"),
    [
        (4, {}, []),
        (3, {}, ["模块2缺少多选题 1 道"]),
        (2, {0: 2}, []),
        (1, {0: 2}, ["模块2缺少多选题 1 道"]),
        (1, {0: 1, 1: 1}, ["模块2缺少多选题 1 道"]),  # either; modules are served in order
        (0, {0: 5, 1: 1}, ["模块2缺少多选题 1 道"]),
    ],
)
def test_a_question_in_two_modules_serves_only_one(shared, own, lacking):
    bank = shared_bank(shared, own)
    assert shortfalls(TWO_BY_TWO, bank) == lacking
    if not lacking:
        by_version = {e.version_id: e for e in bank}
        for seed in range(50):
            assert_valid(assemble(TWO_BY_TWO, bank, seed), TWO_BY_TWO, by_version)


def test_shared_questions_go_where_they_are_needed():
    # Module 1 has its two; both shared questions must serve module 2, every time.
    bank = shared_bank(2, {0: 2})
    for seed in range(50):
        paper = assemble(TWO_BY_TWO, bank, seed)
        assert {i.module for i in paper.items if i.version_id <= 2} == {1}


def test_a_shared_question_serves_the_module_that_takes_its_type():
    # Module 1 takes the one multiple choice, module 2 cannot (1 point): the four
    # questions shared with module 2 all serve module 1.
    blueprint = Blueprint((2, 1), (Section(MULTIPLE, 1, 2), Section(SINGLE, 1, 1)))
    bank = [
        *exclusive_multiples(1, 0, 1),
        *(BankEntry(10 + n, frozenset({0, 1}), MULTIPLE, 3, 4) for n in range(4)),
        BankEntry(20, frozenset({1}), SINGLE, 3, 4),
    ]
    assembler = Assembler(blueprint, bank)
    used = {assembler.paper(seed).items[0].version_id for seed in range(100)}
    assert used == {1, 10, 11, 12, 13}


def test_weights_the_point_values_cannot_make_are_refused():
    blueprint = Blueprint((5, 95), (Section(MULTIPLE, 5, 2), Section(SHORT, 9, 10)))
    assert blueprint.problems() == []
    found = shortfalls(blueprint, [], ["碳排放管理背景", "其他"])
    assert found == [
        "模块1「碳排放管理背景」的 5 分无法由多选题（每题 2 分，共 5 道）、简答题（每题 10 分，共 9 道）凑成",
        "模块2「其他」的 95 分无法由多选题（每题 2 分，共 5 道）、简答题（每题 10 分，共 9 道）凑成",
    ]
    with pytest.raises(AssemblyError, match="的 5 分无法由"):
        assemble(blueprint, [], seed=0)


def test_weights_each_reachable_but_not_together_are_refused():
    # Three 5-point modules and an 85-point one each need an odd number of the two single choices.
    blueprint = Blueprint(
        (5, 5, 5, 85), (Section(SINGLE, 2, 1), Section(MULTIPLE, 9, 2), Section(SHORT, 8, 10))
    )
    assert blueprint.problems() == []
    assert shortfalls(blueprint, []) == [
        "无法把单选题（每题 1 分，共 2 道）、多选题（每题 2 分，共 9 道）、简答题（每题 10 分，共 8 道）"
        "分配到各模块，使各模块分值恰好符合考核权重"
    ]


def test_a_bank_naming_a_module_outside_the_blueprint_or_a_version_twice_is_refused():
    entry = BankEntry(1, frozenset({4}), SINGLE, 3, 4)
    with pytest.raises(ValueError, match="题目版本 1 的模块 \\[4\\] 不在蓝图中"):
        Assembler(blueprint_for([10, 25, 45, 20]), [entry])
    with pytest.raises(ValueError, match="题目版本 1 在题库中出现了两次"):
        Assembler(TWO_BY_TWO, [BankEntry(1, frozenset({0}), MULTIPLE, 3, 4)] * 2)


# --- parallel forms and the exposure report -------------------------------------------


def test_parallel_forms_share_nothing_when_the_bank_is_big_enough():
    blueprint, assembler, bank = prepared("CE-1", EVERY_TYPE)
    forms = fixed_forms(blueprint, list(bank.values()), count=3, seed=11)
    assert len(forms) == 3
    for form in forms:
        assert_valid(form, blueprint, bank)
    versions = [{i.version_id for i in form.items} for form in forms]
    assert not versions[0] & versions[1] and not versions[0] & versions[2]
    assert not versions[1] & versions[2]
    # Parallel: the same number of each type in each module.
    structure = [Counter((i.module, i.type) for i in form.items) for form in forms]
    assert structure[0] == structure[1] == structure[2]
    assert forms == assembler.forms(3, seed=11)


def test_parallel_forms_spread_a_small_bank_evenly():
    # 3 questions per module for 2 per module and form: after every form, no question
    # of a module has been used twice more than another.
    bank = shared_bank(0, {0: 3, 1: 3})
    forms = fixed_forms(TWO_BY_TWO, bank, count=5, seed=3)
    by_version = {e.version_id: e for e in bank}
    uses = Counter({e.version_id: 0 for e in bank})
    for form in forms:
        assert_valid(form, TWO_BY_TWO, by_version)
        uses.update(i.version_id for i in form.items)
        for module in (0, 1):
            counts = [n for v, n in uses.items() if module in by_version[v].modules]
            assert max(counts) - min(counts) <= 1
    assert sorted(uses.values()) == [3] * 4 + [4] * 2  # 20 uses of 6 questions


def item(version: int, module: int, points: int, difficulty: int) -> PaperItem:
    return PaperItem(version, module, SINGLE, points, difficulty, (0, 1, 2, 3), ())


def test_the_exposure_report_adds_up_by_hand():
    blueprint = Blueprint((3, 2), (Section(SINGLE, 1, 1), Section(MULTIPLE, 2, 2)))
    papers = [
        Paper(1, (item(50, 0, 1, 1), item(20, 0, 2, 4), item(10, 1, 2, 1))),  # (1 + 8 + 2) / 5
        Paper(2, (item(60, 0, 1, 5), item(40, 0, 2, 5), item(30, 1, 2, 5))),  # 5
        Paper(3, (item(30, 1, 1, 3), item(20, 0, 2, 2), item(10, 1, 2, 2))),  # (3 + 4 + 4) / 5
    ]
    report = exposure_report(papers, blueprint)
    assert report.papers == 3
    assert [(m.target, m.lowest, m.highest) for m in report.modules] == [(3, 2, 3), (2, 2, 3)]
    assert not report.exact
    assert report.difficulty_mean == pytest.approx((2.2 + 5 + 2.2) / 3)
    assert (report.difficulty_min, report.difficulty_max) == (pytest.approx(2.2), 5)
    assert report.uses == ((10, 2), (20, 2), (30, 2), (40, 1), (50, 1), (60, 1))
    assert report.max_exposure == pytest.approx(2 / 3)
    with pytest.raises(ValueError):
        exposure_report([], blueprint)


def test_the_exposure_report_of_a_sitting():
    blueprint, assembler, _ = prepared("CE-1")
    report = exposure_report([assembler.paper(seed) for seed in range(500)], blueprint)
    assert report.exact
    assert [m.lowest for m in report.modules] == [10, 25, 45, 20]
    assert abs(report.difficulty_mean - 3) <= DIFFICULTY_TOLERANCE
    assert sum(n for _, n in report.uses) == 500 * 49


def test_true_false_questions_serve_the_single_choice_section_unshuffled():
    from carboncert.bank import assembly

    bank = [
        assembly.BankEntry(n, frozenset({0}), QuestionType.TRUE_FALSE, 3, option_count=2)
        for n in range(1, 11)
    ] + [
        assembly.BankEntry(100 + n, frozenset({0}), QuestionType.MULTIPLE, 3, option_count=4)
        for n in range(5)
    ]
    blueprint = assembly.Blueprint(
        (14,),
        (
            assembly.Section(QuestionType.SINGLE, 10, 1),
            assembly.Section(QuestionType.MULTIPLE, 2, 2),
        ),
    )
    paper = assembly.assemble(blueprint, bank, seed=3)
    true_false = [i for i in paper.items if i.type is QuestionType.TRUE_FALSE]
    assert len(true_false) == 10 and all(
        i.points == 1 and i.option_order == (0, 1) for i in true_false
    )
