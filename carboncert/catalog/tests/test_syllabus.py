"""The catalogue data, checked before anything is stored (no database)."""

import copy

import pytest

from carboncert.catalog import syllabus


def raw():
    import yaml

    with open(syllabus.DATA_DIR / "syllabi.yaml", encoding="utf-8") as f:
        syllabi = yaml.safe_load(f)
    with open(syllabus.DATA_DIR / "programme.yaml", encoding="utf-8") as f:
        programme = yaml.safe_load(f)
    return syllabi, programme


def test_the_shipped_programme_has_twelve_subjects_that_each_make_100():
    programme = syllabus.load()
    assert sorted(s.code for s in programme.subjects) == sorted(
        f"{sp}-{lv}" for sp in ("CM", "CE", "CT", "CA") for lv in (1, 2, 3)
    )
    for subject in programme.subjects:
        assert sum(m.weight for m in subject.modules) == 100, subject.code
    assert [lv.min_class_hours for lv in programme.levels] == [36, 40, 48]


def test_every_specialty_has_its_objectives_and_every_level_its_conditions():
    programme = syllabus.load()
    assert {s.code: len(s.objectives) for s in programme.specialties} == {
        "CM": 5,
        "CE": 6,
        "CT": 5,
        "CA": 5,
    }
    assert [len(lv.eligibility) for lv in programme.levels] == [5, 7, 7]


def test_the_background_points_are_the_same_in_all_twelve_subjects():
    programme = syllabus.load()
    firsts = {s.modules[0].points for s in programme.subjects}
    assert firsts == {("温室气体的影响", "国际国内应对气候变化的行动")}


def test_weights_summing_to_99_are_refused_naming_the_subject():
    syllabi, programme = raw()
    broken = copy.deepcopy(syllabi)
    ce1 = next(s for s in broken["subjects"] if s["code"] == "CE-1")
    ce1["modules"][0]["weight"] -= 1
    with pytest.raises(syllabus.SyllabusError) as raised:
        syllabus.parse(broken, programme)
    assert raised.value.problems == ["科目 CE-1 的考核权重合计为 99%，应为 100%"]


def test_every_problem_is_reported_at_once():
    syllabi, programme = raw()
    broken = copy.deepcopy(syllabi)
    broken["subjects"][0]["modules"][1]["weight"] = 0
    broken["subjects"][1]["code"] = "CE1"
    broken["subjects"][2]["modules"][0]["points"] = []
    with pytest.raises(syllabus.SyllabusError) as raised:
        syllabus.parse(broken, programme)
    problems = raised.value.problems
    assert any("不大于0" in p for p in problems)
    assert any("'CE1' 格式不正确" in p for p in problems)
    assert any("没有考核知识点" in p for p in problems)
    assert any("缺少科目" in p for p in problems)


def test_check_weights_alone():
    assert syllabus.check_weights("CA-2", [10, 25, 35, 30]) == []
    assert syllabus.check_weights("CA-2", [10, 25, 35, 31]) == [
        "科目 CA-2 的考核权重合计为 101%，应为 100%"
    ]
