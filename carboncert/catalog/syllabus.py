"""The programme catalogue as data: parse and check it before anything is stored.

Pure rules, no Django. The facts live in catalog/data/*.yaml (transcribed
from the handbook); `check_weights` is also what the admin's syllabus editor
calls, so a subject whose weights do not make 100 cannot be stored either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
SUBJECT_CODE = re.compile(r"^(?P<specialty>[A-Z]{2})-(?P<level>[1-9])$")


class SyllabusError(ValueError):
    """The catalogue data is wrong; `problems` lists every problem found, in Chinese."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("；".join(problems))


@dataclass(frozen=True)
class Module:
    name: str
    weight: int
    points: tuple[str, ...]


@dataclass(frozen=True)
class SubjectSyllabus:
    code: str
    specialty: str
    level: int
    modules: tuple[Module, ...]


@dataclass(frozen=True)
class SpecialtyFacts:
    code: str
    name_zh: str
    name_en: str
    objectives: tuple[str, ...]


@dataclass(frozen=True)
class LevelFacts:
    code: int
    name_zh: str
    name_en: str
    min_class_hours: int
    eligibility: tuple[str, ...]


@dataclass(frozen=True)
class Programme:
    specialties: tuple[SpecialtyFacts, ...]
    levels: tuple[LevelFacts, ...]
    subjects: tuple[SubjectSyllabus, ...]
    overall_objective: str = ""
    eligibility_note: str = ""
    exam_format: str = ""


def check_weights(subject_code: str, weights: list[int]) -> list[str]:
    """Problems with one subject's module weights (empty when they are right)."""
    problems = []
    if any(w <= 0 for w in weights):
        problems.append(f"科目 {subject_code} 有考核权重不大于0的课程板块")
    total = sum(weights)
    if total != 100:
        problems.append(f"科目 {subject_code} 的考核权重合计为 {total}%，应为 100%")
    return problems


def parse(syllabi: dict, programme: dict) -> Programme:
    problems: list[str] = []
    specialties = tuple(
        SpecialtyFacts(
            code=s["code"],
            name_zh=s["name_zh"],
            name_en=s["name_en"],
            objectives=tuple(programme.get("objectives", {}).get(s["code"], ())),
        )
        for s in syllabi["specialties"]
    )
    levels = tuple(
        LevelFacts(
            code=int(lv["code"]),
            name_zh=lv["name_zh"],
            name_en=lv["name_en"],
            min_class_hours=int(lv["min_class_hours"]),
            eligibility=tuple(programme.get("eligibility", {}).get(int(lv["code"]), ())),
        )
        for lv in syllabi["levels"]
    )
    specialty_codes = {s.code for s in specialties}
    level_codes = {lv.code for lv in levels}
    subjects = []
    seen = set()
    for raw in syllabi["subjects"]:
        code = str(raw.get("code", ""))
        match = SUBJECT_CODE.match(code)
        if not match:
            problems.append(f"科目代码 {code!r} 格式不正确，应如 CE-1")
            continue
        if code in seen:
            problems.append(f"科目 {code} 重复出现")
        seen.add(code)
        specialty, level = match["specialty"], int(match["level"])
        if specialty not in specialty_codes:
            problems.append(f"科目 {code} 的专业 {specialty} 不存在")
        if level not in level_codes:
            problems.append(f"科目 {code} 的等级 {level} 不存在")
        modules = []
        for m in raw.get("modules") or []:
            points = tuple(str(p).strip() for p in m.get("points") or ())
            if not points:
                problems.append(f"科目 {code} 的课程板块 {m.get('name')} 没有考核知识点")
            modules.append(
                Module(name=str(m["name"]).strip(), weight=int(m["weight"]), points=points)
            )
        if not modules:
            problems.append(f"科目 {code} 没有课程板块")
        names = [m.name for m in modules]
        if len(names) != len(set(names)):
            problems.append(f"科目 {code} 有重名的课程板块")
        problems += check_weights(code, [m.weight for m in modules])
        subjects.append(SubjectSyllabus(code, specialty, level, tuple(modules)))
    expected = {f"{s}-{lv}" for s in specialty_codes for lv in level_codes}
    missing = sorted(expected - seen)
    if missing:
        problems.append(f"缺少科目：{'、'.join(missing)}")
    if problems:
        raise SyllabusError(problems)
    return Programme(
        specialties=specialties,
        levels=levels,
        subjects=tuple(subjects),
        overall_objective=programme.get("overall_objective", "").strip(),
        eligibility_note=programme.get("eligibility_note", "").strip(),
        exam_format=programme.get("exam_format", "").strip(),
    )


def load(data_dir: Path = DATA_DIR) -> Programme:
    with open(data_dir / "syllabi.yaml", encoding="utf-8") as f:
        syllabi = yaml.safe_load(f)
    with open(data_dir / "programme.yaml", encoding="utf-8") as f:
        programme = yaml.safe_load(f)
    return parse(syllabi, programme)


@cache
def shipped() -> Programme:
    """The handbook's programme as shipped with the code (read once per process)."""
    return load()
