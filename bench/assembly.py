"""How fast a sitting's individualised papers are assembled.

A 2,000-question bank for CE-1 (weights from the syllabus file), then 10,000
papers with distinct seeds, on this machine, no database:
    .venv/bin/python bench/assembly.py [papers]
Ends with RESULT lines: papers per second and the time to work out the allocations.
"""

import random
import sys
import time

from carboncert.bank.assembly import Assembler, BankEntry, blueprint_for, exposure_report
from carboncert.bank.items import QuestionType
from carboncert.catalog import syllabus

PAPERS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
QUESTIONS = 2_000
SUBJECT = "CE-1"
# Roughly what a bank holds: many single choice, fewer multiple choice, few short answers.
MIX = {QuestionType.SINGLE: 10, QuestionType.MULTIPLE: 6, QuestionType.SHORT: 2}
OPTIONS = {QuestionType.SINGLE: 4, QuestionType.MULTIPLE: 5, QuestionType.SHORT: 0}


def bank(subject) -> list[BankEntry]:
    """Questions spread over the modules by weight; a point listed in two modules counts for both."""
    rng = random.Random(2024)
    modules_of: dict[str, set[int]] = {}
    for m, module in enumerate(subject.modules):
        for point in module.points:
            modules_of.setdefault(point, set()).add(m)
    types, mix = list(MIX), list(MIX.values())
    weights = [module.weight for module in subject.modules]
    entries = []
    for version in range(1, QUESTIONS + 1):
        module = subject.modules[rng.choices(range(len(weights)), weights)[0]]
        point = rng.choice(module.points)
        kind = rng.choices(types, mix)[0]
        entries.append(
            BankEntry(version, frozenset(modules_of[point]), kind, rng.randint(1, 5), OPTIONS[kind])
        )
    return entries


def main() -> None:
    subject = next(s for s in syllabus.load().subjects if s.code == SUBJECT)
    blueprint = blueprint_for([m.weight for m in subject.modules])
    questions = bank(subject)

    started = time.perf_counter()
    assembler = Assembler(blueprint, questions)
    precompute = time.perf_counter() - started

    started = time.perf_counter()
    papers = [assembler.paper(seed) for seed in range(PAPERS)]
    elapsed = time.perf_counter() - started

    report = exposure_report(papers, blueprint)
    print(f"{SUBJECT}: weights {[m.weight for m in subject.modules]}, {len(questions)} questions")
    print(f"{len(assembler.plans)} plans of {len(assembler.allocations)} acceptable allocations")
    print(f"{PAPERS} papers in {elapsed:.2f} s; module points exact: {report.exact}")
    print(
        f"difficulty mean {report.difficulty_mean:.3f} "
        f"(min {report.difficulty_min:.2f}, max {report.difficulty_max:.2f}, "
        f"target {blueprint.difficulty_target}); max exposure {report.max_exposure:.1%}"
    )
    print(f"RESULT papers_per_second {PAPERS / elapsed:.0f} papers/s")
    print(f"RESULT precompute_seconds {precompute:.2f} s")


if __name__ == "__main__":
    main()
