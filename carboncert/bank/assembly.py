"""Paper assembly: each candidate's own paper, equivalent to every other, rebuilt from its seed.

Pure rules, no Django. A `Blueprint` says how many points each syllabus module
is worth (考核权重) and which sections the paper has; the bank is a list of
`BankEntry`, one per active question version. `Assembler` does the work that
depends only on the blueprint and the bank once; `paper(seed)` then only draws.

Allocation (how many questions of each section each module gets): every
module's points and every section's count must be exact. Of all allocations
that do this, the `ALLOCATIONS` closest to spreading every section over the
modules in proportion to their weights (squared distance in points, so a
misplaced 10-point short answer weighs a hundred times a 1-point single choice)
are acceptable; they depend on the blueprint alone, so papers stay comparable
whatever the bank holds. Those the bank can fill become plans, and each paper
picks a plan at random, so papers differ in allocation as well as in questions.

Questions: within a module and section, each question is drawn with weight
2^-|difficulty - target| (counts per difficulty first, then uniformly within a
difficulty); then single questions move one difficulty step at a time while
that brings the paper's mean difficulty, weighted by points, closer to the
target, until it is within `DIFFICULTY_TOLERANCE` or the bank has nothing
closer. `Paper.difficulty` is the mean achieved. Favouring questions near the
target uses them more often: `exposure_report` shows by how much.

A question whose knowledge point belongs to two modules counts under one of
them per plan (a home chosen when the plan is made, modules short of their own
questions served first), so it is never drawn twice and never counted twice.

Presentation: sections in blueprint order; within a section, modules in
syllabus order (the paper reads like the syllabus and reviewers see each
module's share), questions in random order within a module. Single and
multiple choice options are shuffled; true/false keeps 正确/错误.

The bank is sorted by version before anything is drawn, so the seed and the
bank's contents alone decide the paper, whatever order the database returns.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from itertools import accumulate, chain, pairwise, permutations
from operator import attrgetter

from carboncert.bank.items import OPTION_KEYS, Parameter, QuestionType

ALLOCATIONS = 24  # acceptable allocations: enough variety, all close to proportional
DIFFICULTY_TOLERANCE = 0.1  # on the paper's mean difficulty
SHUFFLED = frozenset({QuestionType.SINGLE, QuestionType.MULTIPLE})


class AssemblyError(ValueError):
    """The bank cannot give this blueprint a paper; `problems` says why, in Chinese."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("；".join(problems))


@dataclass(frozen=True)
class Section:
    type: QuestionType
    count: int
    points: int  # per question

    @property
    def total(self) -> int:
        return self.count * self.points


DEFAULT_SECTIONS = (
    Section(QuestionType.SINGLE, 30, 1),
    Section(QuestionType.MULTIPLE, 15, 2),
    Section(QuestionType.SHORT, 4, 10),
)


@dataclass(frozen=True)
class Blueprint:
    module_points: tuple[int, ...]  # syllabus order
    sections: tuple[Section, ...] = DEFAULT_SECTIONS
    difficulty_target: float = 3.0

    @property
    def total(self) -> int:
        return sum(self.module_points)

    def problems(self) -> list[str]:
        """What makes this blueprint unusable (Chinese), or nothing."""
        found = []
        if not self.module_points:
            found.append("蓝图没有模块")
        found += [f"模块{m + 1}的分值应大于 0" for m, p in enumerate(self.module_points) if p <= 0]
        if not self.sections:
            found.append("蓝图没有题型")
        for section in self.sections:
            if section.count <= 0:
                found.append(f"{section.type.label}的题数应大于 0")
            if section.points <= 0:
                found.append(f"{section.type.label}的每题分值应大于 0")
        types = Counter(s.type for s in self.sections)
        found += [f"{t.label}出现了不止一次" for t, n in types.items() if n > 1]
        sections_total = sum(s.total for s in self.sections)
        if sections_total != self.total:
            found.append(f"各题型合计 {sections_total} 分，与各模块合计 {self.total} 分不一致")
        if not 1 <= self.difficulty_target <= 5:
            found.append("目标难度应在 1 到 5 之间")
        return found


def blueprint_for(
    module_weights: Sequence[int],
    sections: Sequence[Section] = DEFAULT_SECTIONS,
    difficulty_target: float = 3.0,
) -> Blueprint:
    """The blueprint for a subject's weights (percent) on a paper of these sections."""
    total = sum(s.total for s in sections)
    points = []
    for weight in module_weights:
        share, rest = divmod(weight * total, 100)
        if rest:
            raise ValueError(f"权重 {weight}% 在 {total} 分的试卷中不是整数分")
        points.append(share)
    return Blueprint(tuple(points), tuple(sections), difficulty_target)


@dataclass(frozen=True)
class BankEntry:
    """One active question version, as far as assembly needs to know it."""

    version_id: int
    modules: frozenset[int]  # 0-based, syllabus order: every module listing its knowledge point
    type: QuestionType
    difficulty: int
    option_count: int = 0
    parameters: tuple[Parameter, ...] = ()


@dataclass(frozen=True, slots=True)
class PaperItem:
    version_id: int
    module: int
    type: QuestionType
    points: int
    difficulty: int
    option_order: tuple[int, ...]  # option_order[i] = authored index shown at position i
    parameters: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True)
class Paper:
    seed: int
    items: tuple[PaperItem, ...]

    @property
    def total(self) -> int:
        return sum(item.points for item in self.items)

    @property
    def difficulty(self) -> float:
        """Mean difficulty weighted by points: a short answer weighs ten single choices."""
        return sum(item.points * item.difficulty for item in self.items) / self.total

    def module_points(self, modules: int) -> tuple[int, ...]:
        points = [0] * modules
        for item in self.items:
            points[item.module] += item.points
        return tuple(points)


def displayed_key(correct: Iterable[int], option_order: Sequence[int]) -> str:
    """The letters of the correct options as this paper shows them, e.g. "AC"."""
    correct = set(correct)
    return "".join(
        OPTION_KEYS[shown] for shown, authored in enumerate(option_order) if authored in correct
    )


# --- allocation -----------------------------------------------------------------------

Allocation = tuple[tuple[int, ...], ...]  # [module][section] -> number of questions


def _compositions(points: int, sections: Sequence[Section]) -> list[tuple[int, ...]]:
    """Every way of making `points` from the sections' questions, within their counts."""
    if not sections:
        return [()] if points == 0 else []
    first, rest = sections[0], sections[1:]
    return [
        (n, *tail)
        for n in range(min(first.count, points // first.points) + 1)
        for tail in _compositions(points - n * first.points, rest)
    ]


def _nearest_allocations(blueprint: Blueprint, limit: int) -> list[Allocation]:
    """The `limit` allocations closest to proportional, closest first (ties in a fixed order)."""
    sections, total = blueprint.sections, blueprint.total

    def cost(points: int, counts: tuple[int, ...]) -> int:
        # Squared distance in points, times total² so that it stays an integer.
        return sum(
            (s.points * (total * n - s.count * points)) ** 2
            for s, n in zip(sections, counts, strict=True)
        )

    options = [
        sorted((cost(points, c), c) for c in _compositions(points, sections))
        for points in blueprint.module_points
    ]
    if not all(options):
        return []
    # An allocation within `slack` of the lower bound uses no option dearer than
    # its module's cheapest plus `slack`: search among those, exact once `limit`
    # allocations within the slack are found; widen until they are.
    lowest = sum(module[0][0] for module in options)
    slack = 1
    while True:
        cheap = [[o for o in module if o[0] <= module[0][0] + slack] for module in options]
        found = _best_first(cheap, tuple(s.count for s in sections), limit)
        if len(found) == limit and found[-1][0] <= lowest + slack:
            return [allocation for _, allocation in found]
        if all(len(c) == len(o) for c, o in zip(cheap, options, strict=True)):
            return [allocation for _, allocation in found]
        slack *= 4


def _best_first(options, counts: tuple[int, ...], limit: int) -> list[tuple[int, Allocation]]:
    """The cheapest allocations using these options per module, cheapest first.

    Best-first over modules in syllabus order, guided by the exact cost of the
    cheapest completion, so it visits little beyond the allocations it returns.
    """

    @cache
    def cheapest(module: int, left: tuple[int, ...]) -> float:
        if module == len(options):
            return 0 if not any(left) else math.inf
        return min(
            (
                spent + cheapest(module + 1, tuple(a - b for a, b in zip(left, taken, strict=True)))
                for spent, taken in options[module]
                if all(b <= a for a, b in zip(left, taken, strict=True))
            ),
            default=math.inf,
        )

    found: list[tuple[int, Allocation]] = []
    heap = [(cheapest(0, counts), (), 0, counts)]
    while heap and len(found) < limit:
        estimate, chosen, spent, left = heapq.heappop(heap)
        if estimate == math.inf:
            break
        if len(chosen) == len(options):
            found.append((spent, chosen))
            continue
        for step, taken in options[len(chosen)]:
            if all(b <= a for a, b in zip(left, taken, strict=True)):
                after = tuple(a - b for a, b in zip(left, taken, strict=True))
                to_go = cheapest(len(chosen) + 1, after)
                if to_go != math.inf:
                    heapq.heappush(
                        heap, (spent + step + to_go, (*chosen, taken), spent + step, after)
                    )
    return found


def _serve(demand: Sequence[int], shared: Sequence[BankEntry]) -> tuple[dict[int, int], list[int]]:
    """Give each module `demand[m]` of the shared questions, each question to one module.

    Returns the module serving each question (by index) and how many each module
    still lacks: augmenting paths, so as few as any assignment could leave.
    """
    serving: dict[int, int] = {}
    candidates = [[q for q, e in enumerate(shared) if m in e.modules] for m in range(len(demand))]

    def augment(module: int, seen: set[int]) -> bool:
        for q in candidates[module]:
            if q not in seen:
                seen.add(q)
                if q not in serving or augment(serving[q], seen):
                    serving[q] = module
                    return True
        return False

    lacking = [0] * len(demand)
    for module, wanted in enumerate(demand):
        for served in range(wanted):
            if not augment(module, set()):
                lacking[module] = wanted - served
                break
    return serving, lacking


@dataclass(frozen=True, slots=True)
class _Slot:
    """The questions one module gets from one section, by difficulty."""

    module: int
    section: Section
    need: int
    levels: tuple[int, ...]  # difficulties present, ascending
    pools: tuple[tuple[BankEntry, ...], ...]  # per level
    cum_weights: tuple[float, ...]  # per level: questions x 2^-|difficulty - target|, cumulative


def _slot(
    module: int, section: Section, need: int, entries: Iterable[BankEntry], target: float
) -> _Slot:
    by_level: dict[int, list[BankEntry]] = {}
    for entry in entries:
        by_level.setdefault(entry.difficulty, []).append(entry)
    levels = tuple(sorted(by_level))
    weights = [len(by_level[d]) * 2 ** -abs(d - target) for d in levels]
    return _Slot(
        module,
        section,
        need,
        levels,
        tuple(tuple(by_level[d]) for d in levels),
        tuple(accumulate(weights)),
    )


# --- drawing ----------------------------------------------------------------------------


def _draw(
    slots: Sequence[_Slot], rng: random.Random, target: float, limit: float, skew: float = 0.0
) -> list[list[BankEntry]]:
    """The questions of each slot; `skew` = Σ points x (difficulty - target) of questions already fixed."""
    tallies = []
    for slot in slots:
        tally = [0] * len(slot.levels)
        if slot.need:
            for level in rng.choices(range(len(tally)), cum_weights=slot.cum_weights, k=slot.need):
                tally[level] += 1
            _cap(tally, slot, target)
        skew += slot.section.points * sum(
            n * (d - target) for n, d in zip(tally, slot.levels, strict=True)
        )
        tallies.append(tally)
    _balance(slots, tallies, skew, limit, rng)
    return [
        [e for level, n in enumerate(tally) if n for e in rng.sample(slot.pools[level], n)]
        for slot, tally in zip(slots, tallies, strict=True)
    ]


def _cap(tally: list[int], slot: _Slot, target: float) -> None:
    """A level drawn more often than it has questions passes the rest to the nearest levels."""
    excess = 0
    for level, pool in enumerate(slot.pools):
        if tally[level] > len(pool):
            excess += tally[level] - len(pool)
            tally[level] = len(pool)
    if not excess:
        return
    for level in sorted(range(len(tally)), key=lambda i: abs(slot.levels[i] - target)):
        room = min(excess, len(slot.pools[level]) - tally[level])
        tally[level] += room
        excess -= room


def _balance(
    slots: Sequence[_Slot], tallies: list[list[int]], skew: float, limit: float, rng: random.Random
) -> None:
    """Move questions one difficulty step while that brings the paper's mean closer to the target."""
    while abs(skew) > limit:
        step = -1 if skew > 0 else 1
        best, moves = abs(skew), []
        for slot, tally in zip(slots, tallies, strict=True):
            for level in range(max(0, -step), len(tally) - max(0, step)):
                to = level + step
                if tally[level] and tally[to] < len(slot.pools[to]):
                    change = slot.section.points * (slot.levels[to] - slot.levels[level])
                    after = abs(skew + change)
                    if after < best:
                        best, moves = after, [(tally, level, to, change)]
                    elif after == best and moves:
                        moves.append((tally, level, to, change))
        if not moves:
            return
        tally, level, to, change = rng.choice(moves)
        tally[level] -= 1
        tally[to] += 1
        skew += change


@cache
def _orders(options: int) -> tuple[tuple[int, ...], ...]:
    """Every order of `options` options, the authored order first."""
    return tuple(permutations(range(options)))


def _value(parameter: Parameter, rng: random.Random) -> Decimal:
    steps = int((parameter.high - parameter.low) / parameter.step)
    exponent = min(parameter.low.as_tuple().exponent, parameter.step.as_tuple().exponent)
    value = parameter.low + parameter.step * rng.randint(0, steps)
    return value.quantize(Decimal(1).scaleb(exponent))


def _items(slots: Sequence[_Slot], chosen, rng: random.Random) -> tuple[PaperItem, ...]:
    items = []
    for slot, entries in zip(slots, chosen, strict=True):
        rng.shuffle(entries)
        for e in entries:
            orders = _orders(e.option_count)
            items.append(
                PaperItem(
                    e.version_id,
                    slot.module,
                    e.type,
                    slot.section.points,
                    e.difficulty,
                    rng.choice(orders) if e.type in SHUFFLED else orders[0],
                    tuple((p.name, _value(p, rng)) for p in e.parameters) if e.parameters else (),
                )
            )
    return tuple(items)


# --- the assembler ----------------------------------------------------------------------


class Assembler:
    """What one blueprint and one bank allow, worked out once; then papers by seed.

    Make one per sitting and subject and call `paper(seed)` per candidate.
    """

    def __init__(self, blueprint: Blueprint, bank: Iterable[BankEntry]):
        self.blueprint = blueprint
        self.allocations: list[Allocation] = []  # acceptable, closest to proportional first
        self.plans: list[tuple[_Slot, ...]] = []  # one per allocation the bank can fill
        self._invalid = blueprint.problems()
        # A true/false question is a single choice of 正确/错误: without a section of its
        # own it serves the single-choice section (and keeps its options unshuffled).
        self._true_false_as_single = QuestionType.TRUE_FALSE not in {
            s.type for s in blueprint.sections
        }
        # What the bank lacks for the acceptable allocation needing the fewest questions added.
        self._lacking: list[tuple[int, Section, int]] = []
        if self._invalid:
            return
        entries = sorted(bank, key=attrgetter("version_id"))
        modules = range(len(blueprint.module_points))
        for before, entry in pairwise(entries):
            if before.version_id == entry.version_id:
                raise ValueError(f"题目版本 {entry.version_id} 在题库中出现了两次")
        for entry in entries:
            if not entry.modules or not entry.modules <= set(modules):
                raise ValueError(
                    f"题目版本 {entry.version_id} 的模块 {sorted(entry.modules)} 不在蓝图中"
                )
        self.allocations = _nearest_allocations(blueprint, ALLOCATIONS)
        fewest = math.inf
        for rank, allocation in enumerate(self.allocations):
            slots, lacking = self._plan(allocation, entries, random.Random(rank))
            if not lacking:
                self.plans.append(slots)
            elif sum(n for *_, n in lacking) < fewest:
                fewest, self._lacking = sum(n for *_, n in lacking), lacking

    def _plan(self, allocation: Allocation, entries: Sequence[BankEntry], rng: random.Random):
        """The slots for an allocation, or what the bank lacks for it."""
        slots, lacking = [], []
        target = self.blueprint.difficulty_target
        for s, section in enumerate(self.blueprint.sections):
            needs = [counts[s] for counts in allocation]
            own: list[list[BankEntry]] = [[] for _ in needs]
            shared = []
            for entry in entries:
                if entry.type is section.type or (
                    self._true_false_as_single
                    and entry.type is QuestionType.TRUE_FALSE
                    and section.type is QuestionType.SINGLE
                ):
                    if len(entry.modules) == 1:
                        own[next(iter(entry.modules))].append(entry)
                    else:
                        shared.append(entry)
            rng.shuffle(shared)
            serving, short = _serve(
                [max(0, n - len(o)) for n, o in zip(needs, own, strict=True)], shared
            )
            for q, entry in enumerate(shared):
                homes = [m for m in sorted(entry.modules) if needs[m]]
                if q in serving:
                    own[serving[q]].append(entry)
                elif homes:
                    own[rng.choice(homes)].append(entry)
            lacking += [(m, section, n) for m, n in enumerate(short) if n]
            slots += [
                _slot(m, section, need, own[m], target) for m, need in enumerate(needs) if need
            ]
        # Sections in blueprint order, modules in syllabus order within a section.
        return tuple(slots), lacking

    def shortfalls(self, module_names: Sequence[str] = ()) -> list[str]:
        """Why no paper can be built (Chinese), or nothing.

        When the bank is short, the questions to add for the acceptable allocation
        needing the fewest (the most proportional among equals).
        """
        if self._invalid:
            return list(self._invalid)
        if self.plans:
            return []

        def module(m: int) -> str:
            return f"模块{m + 1}「{module_names[m]}」" if m < len(module_names) else f"模块{m + 1}"

        if not self.allocations:
            sections = "、".join(
                f"{s.type.label}（每题 {s.points} 分，共 {s.count} 道）"
                for s in self.blueprint.sections
            )
            found = [
                f"{module(m)}的 {points} 分无法由{sections}凑成"
                for m, points in enumerate(self.blueprint.module_points)
                if not _compositions(points, self.blueprint.sections)
            ]
            return found or [f"无法把{sections}分配到各模块，使各模块分值恰好符合考核权重"]
        return [f"{module(m)}缺少{section.type.label} {n} 道" for m, section, n in self._lacking]

    def _raise_unless_possible(self) -> None:
        if not self.plans:
            raise AssemblyError(self.shortfalls())

    def paper(self, seed: int) -> Paper:
        """The paper for this seed: the same seed and bank always give the same paper."""
        self._raise_unless_possible()
        rng = random.Random(seed)
        slots = rng.choice(self.plans)
        chosen = _draw(slots, rng, self.blueprint.difficulty_target, self._limit)
        return Paper(seed, _items(slots, chosen, rng))

    @property
    def _limit(self) -> float:
        return DIFFICULTY_TOLERANCE * self.blueprint.total

    def forms(self, count: int, seed: int) -> list[Paper]:
        """Parallel forms A, B, C… sharing as few questions as the bank allows.

        All forms follow the most proportional plan the bank can fill (the same
        number of each section per module). Each takes the questions of every
        module and section used least so far: those used less than the rest
        are taken outright, the others drawn as for a paper, difficulty balanced
        over the whole form. No question repeats before every question of its
        module and section has been used. Rebuilt from the same count and seed.
        """
        self._raise_unless_possible()
        rng = random.Random(seed)
        slots = self.plans[0]
        target = self.blueprint.difficulty_target
        uses: Counter[int] = Counter()
        papers = []
        for _ in range(count):
            taken, remaining, skew = [], [], 0.0
            for slot in slots:
                pool = list(chain.from_iterable(slot.pools))
                tier = sorted(uses[e.version_id] for e in pool)[slot.need - 1]
                fewer = [e for e in pool if uses[e.version_id] < tier]
                skew += slot.section.points * sum(e.difficulty - target for e in fewer)
                taken.append(fewer)
                level = [e for e in pool if uses[e.version_id] == tier]
                remaining.append(
                    _slot(slot.module, slot.section, slot.need - len(fewer), level, target)
                )
            drawn = _draw(remaining, rng, target, self._limit, skew)
            paper = Paper(
                seed, _items(slots, [a + b for a, b in zip(taken, drawn, strict=True)], rng)
            )
            uses.update(item.version_id for item in paper.items)
            papers.append(paper)
        return papers


def assemble(blueprint: Blueprint, bank: Iterable[BankEntry], seed: int) -> Paper:
    """One paper; for many, keep an `Assembler`."""
    return Assembler(blueprint, bank).paper(seed)


def shortfalls(
    blueprint: Blueprint, bank: Iterable[BankEntry], module_names: Sequence[str] = ()
) -> list[str]:
    return Assembler(blueprint, bank).shortfalls(module_names)


def fixed_forms(
    blueprint: Blueprint, bank: Iterable[BankEntry], count: int, seed: int
) -> list[Paper]:
    return Assembler(blueprint, bank).forms(count, seed)


# --- reporting --------------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleFigures:
    module: int
    target: int
    lowest: int  # fewest points any paper gave the module
    highest: int

    @property
    def exact(self) -> bool:
        return self.lowest == self.highest == self.target


@dataclass(frozen=True)
class Report:
    papers: int
    modules: tuple[ModuleFigures, ...]
    difficulty_mean: float
    difficulty_min: float
    difficulty_max: float
    uses: tuple[tuple[int, int], ...]  # (version, papers using it), most used first

    @property
    def exact(self) -> bool:
        return all(m.exact for m in self.modules)

    @property
    def max_exposure(self) -> float:
        """The share of papers showing the most used question."""
        return self.uses[0][1] / self.papers if self.uses else 0.0


def exposure_report(papers: Sequence[Paper], blueprint: Blueprint) -> Report:
    """A sitting's papers against their blueprint."""
    if not papers:
        raise ValueError("没有试卷，无法统计")
    points = [p.module_points(len(blueprint.module_points)) for p in papers]
    difficulties = [p.difficulty for p in papers]
    uses = Counter(item.version_id for p in papers for item in p.items)
    return Report(
        papers=len(papers),
        modules=tuple(
            ModuleFigures(m, target, min(p[m] for p in points), max(p[m] for p in points))
            for m, target in enumerate(blueprint.module_points)
        ),
        difficulty_mean=sum(difficulties) / len(difficulties),
        difficulty_min=min(difficulties),
        difficulty_max=max(difficulties),
        uses=tuple(sorted(uses.items(), key=lambda vu: (-vu[1], vu[0]))),
    )
