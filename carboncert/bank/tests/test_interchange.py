"""Moodle XML, GIFT and QTI 2.1 interchange.

The fixtures are written here, after the examples in Moodle's documentation of
its XML and GIFT formats, with questions of our own.
"""

import io
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carboncert.bank.interchange import (
    MAX_INPUT_BYTES,
    QTI_NS,
    Exchanged,
    read_gift,
    read_moodle_xml,
    write_gift,
    write_moodle_xml,
    write_qti_item,
    write_qti_package,
)
from carboncert.bank.items import Criterion, Item, Option, Parameter, QuestionType

T = QuestionType
QTI = f"{{{QTI_NS}}}"
IMSCP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
LOM = "{http://ltsc.ieee.org/xsd/LOM}"

MOODLE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category><text>$course$/top/双碳题库/碳排放核算</text></category>
    <info format="moodle_auto_format"><text></text></info>
  </question>

<!-- question: 101  -->
  <question type="multichoice">
    <name><text>全球变暖潜势</text></name>
    <questiontext format="html">
      <text><![CDATA[<p dir="ltr" style="text-align: left;">化石燃料燃烧排放的 CO<sub>2</sub>，其 100 年全球变暖潜势&nbsp;(GWP) 为：</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>GWP 以 CO<sub>2</sub> 为基准。</p><p>出处：IPCC 第五次评估报告</p>]]></text>
    </generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <correctfeedback format="html"><text>回答正确。</text></correctfeedback>
    <answer fraction="100" format="html">
      <text><![CDATA[<p>1</p>]]></text>
      <feedback format="html"><text>对。</text></feedback>
    </answer>
    <answer fraction="0" format="html">
      <text>28</text>
      <feedback format="html"><text>这是甲烷的取值。</text></feedback>
    </answer>
    <answer fraction="0" format="html"><text>265</text><feedback format="html"><text></text></feedback></answer>
    <tags><tag><text>difficulty:2</text></tag><tag><text>燃烧排放</text></tag></tags>
  </question>

  <question type="multichoice">
    <name><text>京都议定书气体</text></name>
    <questiontext format="moodle_auto_format"><text>《京都议定书》管控的温室气体包括哪些？</text></questiontext>
    <generalfeedback format="moodle_auto_format"><text></text></generalfeedback>
    <defaultgrade>3</defaultgrade>
    <single>false</single>
    <answer fraction="50" format="html"><text>CO&lt;sub&gt;2&lt;/sub&gt;</text></answer>
    <answer fraction="50" format="html"><text>N&lt;sub&gt;2&lt;/sub&gt;O</text></answer>
    <answer fraction="-100" format="html"><text>O&lt;sub&gt;2&lt;/sub&gt;</text></answer>
  </question>

  <question type="truefalse">
    <name><text>碳中和判断</text></name>
    <questiontext format="plain_text"><text>碳中和意味着不再排放任何二氧化碳。</text></questiontext>
    <generalfeedback format="plain_text"><text>碳中和是净零排放，排放与清除相抵。</text></generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <answer fraction="0" format="moodle_auto_format"><text>true</text><feedback><text></text></feedback></answer>
    <answer fraction="100" format="moodle_auto_format"><text>false</text><feedback><text></text></feedback></answer>
  </question>

  <question type="category">
    <category><text>$course$/top/双碳题库/核查与报告</text></category>
  </question>

  <question type="essay">
    <name><text>核算步骤</text></name>
    <questiontext format="html"><text><![CDATA[<p>简述企业温室气体排放核算的主要步骤。</p>]]></text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>10</defaultgrade>
    <responseformat>editor</responseformat>
    <responserequired>1</responserequired>
    <responsefieldlines>15</responsefieldlines>
    <attachments>0</attachments>
    <graderinfo format="html"><text><![CDATA[<p>确定核算边界，识别排放源，收集活动数据，选择排放因子，计算并汇总。</p>
<p>标准：确定核算边界（4分）<br>标准：识别排放源（3.5分）</p>]]></text></graderinfo>
    <responsetemplate format="html"><text></text></responsetemplate>
  </question>

  <question type="numerical">
    <name><text>天然气排放</text></name>
    <questiontext format="html"><text><![CDATA[<p>某企业燃烧天然气 19.3 万 m<sup>3</sup>，排放因子 2.1622 tCO<sub>2</sub>/万 m<sup>3</sup>，排放量约为多少？</p>]]></text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>5</defaultgrade>
    <answer fraction="100" format="moodle_auto_format">
      <text>41.73</text>
      <feedback format="html"><text></text></feedback>
      <tolerance>0.4173</tolerance>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>*</text>
      <feedback format="html"><text>请按“活动数据 × 排放因子”计算。</text></feedback>
      <tolerance>0</tolerance>
    </answer>
    <units><unit><multiplier>1</multiplier><unit_name>tCO₂</unit_name></unit></units>
    <unitgradingtype>0</unitgradingtype>
    <showunits>3</showunits>
  </question>

  <question type="calculated">
    <name><text>参数化排放量</text></name>
    <questiontext format="html"><text><![CDATA[<p>某企业消耗天然气 {v} 万 Nm<sup>3</sup>，排放因子为 {ef} tCO<sub>2</sub>/万 Nm<sup>3</sup>，求排放量。</p>]]></text></questiontext>
    <generalfeedback format="html"><text>排放量 = 活动数据 × 排放因子</text></generalfeedback>
    <defaultgrade>4</defaultgrade>
    <synchronize>0</synchronize>
    <single>0</single>
    <answer fraction="100">
      <text>{v}*{ef}</text>
      <tolerance>0.02</tolerance>
      <tolerancetype>1</tolerancetype>
      <correctanswerformat>1</correctanswerformat>
      <correctanswerlength>2</correctanswerlength>
      <feedback format="html"><text></text></feedback>
    </answer>
    <units><unit><multiplier>1</multiplier><unit_name>tCO2</unit_name></unit></units>
    <dataset_definitions>
      <dataset_definition>
        <status><text>private</text></status>
        <name><text>v</text></name>
        <type>calculated</type>
        <distribution><text>uniform</text></distribution>
        <minimum><text>10</text></minimum>
        <maximum><text>50</text></maximum>
        <decimals><text>0</text></decimals>
        <itemcount>2</itemcount>
        <dataset_items>
          <dataset_item><number>1</number><value>12</value></dataset_item>
          <dataset_item><number>2</number><value>47</value></dataset_item>
        </dataset_items>
        <number_of_items>2</number_of_items>
      </dataset_definition>
      <dataset_definition>
        <status><text>private</text></status>
        <name><text>ef</text></name>
        <type>calculated</type>
        <distribution><text>uniform</text></distribution>
        <minimum><text>2.1</text></minimum>
        <maximum><text>2.3</text></maximum>
        <decimals><text>2</text></decimals>
        <itemcount>0</itemcount>
        <number_of_items>0</number_of_items>
      </dataset_definition>
    </dataset_definitions>
    <tags><tag><text>difficulty:4</text></tag><tag><text>unit:v=万Nm³</text></tag></tags>
  </question>

  <question type="calculatedsimple">
    <name><text>面积</text></name>
    <questiontext format="plain_text"><text>边长为 {a} m 的正方形面积是多少？</text></questiontext>
    <defaultgrade>1</defaultgrade>
    <answer fraction="100">
      <text>pow({a}, 2)</text>
      <tolerance>0.5</tolerance>
      <tolerancetype>2</tolerancetype>
    </answer>
    <dataset_definitions>
      <dataset_definition>
        <status><text>private</text></status>
        <name><text>a</text></name>
        <type>calculatedsimple</type>
        <distribution><text>uniform</text></distribution>
        <minimum><text>1</text></minimum>
        <maximum><text>9</text></maximum>
        <decimals><text>1</text></decimals>
      </dataset_definition>
    </dataset_definitions>
  </question>

  <question type="shortanswer">
    <name><text>核算体系缩写</text></name>
    <questiontext format="html"><text><![CDATA[<p>《温室气体核算体系》的英文简称是什么？</p><p><img src="@@PLUGINFILE@@/logo.png" alt=""></p>]]></text>
      <file name="logo.png" path="/" encoding="base64">iVBORw0KGgo=</file>
    </questiontext>
    <defaultgrade>1</defaultgrade>
    <usecase>0</usecase>
    <answer fraction="50" format="moodle_auto_format"><text>GHG</text></answer>
    <answer fraction="100" format="moodle_auto_format"><text>GHG Protocol</text></answer>
    <answer fraction="0" format="moodle_auto_format"><text>ISO</text></answer>
  </question>

  <question type="matching">
    <name><text>碳市场配对</text></name>
    <questiontext format="html"><text>将碳市场与启动年份配对。</text></questiontext>
    <subquestion format="html"><text>全国碳市场</text><answer><text>2021</text></answer></subquestion>
    <subquestion format="html"><text>地方试点</text><answer><text>2013</text></answer></subquestion>
  </question>

  <question type="multichoice">
    <name><text>两个满分答案</text></name>
    <questiontext format="html"><text>单选题却有两个满分选项</text></questiontext>
    <single>true</single>
    <answer fraction="100"><text>甲</text></answer>
    <answer fraction="100"><text>乙</text></answer>
  </question>
</quiz>
"""

GIFT = r"""// 双碳题库 GIFT 样例：注释行会被忽略
$CATEGORY: $course$/top/双碳题库/碳排放核算

// [tag:difficulty:2]
::排放因子单位::燃料燃烧排放因子的单位是（提示\: E \= AD × EF）{
	=tCO₂/TJ#正确
	~TJ/t#单位颠倒了
	~t
	####排放量 \= 活动数据 × 排放因子\n出处：GB/T 32150—2015
}

::京都议定书::《京都议定书》管控的温室气体包括 {
	~%50%CO₂
	~%50%CH₄
	~%-100%O₂#氧气不是温室气体
}

::碳达峰::碳达峰是指二氧化碳排放量达到历史最高值后稳中有降 {T}

碳中和意味着不再排放任何二氧化碳。{FALSE#不对，是净零排放#对}

// 简答题：参考答案写在总体反馈中
::核算步骤::简述企业温室气体核算的主要步骤。{
	####参考答案：确定边界，识别排放源，收集数据\n关键词：边界、排放源\n标准：确定核算边界（5分）\n标准：识别排放源（5分）
}

::热值::1 t 标准煤的热值约为多少 GJ？{#29.3:0.293####单位：GJ}

::范围::一个 1 到 3 之间的数 {#1..3}

温室气体核算体系的英文简称是 {=GHG Protocol =%50%GHG} 。

[html]<p>CO<sub>2</sub> 的相对分子质量约为</p>{#44:0.44}

[markdown]**甲烷** 的集合记号是 \{CH₄\} 吗 {TRUE}

$CATEGORY: $course$/双碳题库/碳交易

::配对::把市场与年份配对 {=全国碳市场 -> 2021 =地方试点 -> 2013}

这只是一段说明文字，没有答案。

::坏题:: 括号没有闭合 {=甲
"""


def parsed(data: bytes) -> ET.Element:
    return ET.fromstring(data)


# --- Moodle XML import ---------------------------------------------------------------


def test_it_reads_each_supported_moodle_type_field_by_field():
    result = read_moodle_xml(MOODLE_XML.encode())
    got = {q.name: q for q in result.questions}
    assert list(got) == [
        "全球变暖潜势",
        "京都议定书气体",
        "碳中和判断",
        "核算步骤",
        "天然气排放",
        "参数化排放量",
        "面积",
        "核算体系缩写",
    ]

    single = got["全球变暖潜势"]
    assert single.knowledge_point == "碳排放核算"
    assert single.points == Decimal(2)
    assert single.item == Item(
        T.SINGLE,
        "化石燃料燃烧排放的 CO₂，其 100 年全球变暖潜势 (GWP) 为：",
        (Option("1", True), Option("28"), Option("265")),
        explanation="GWP 以 CO₂ 为基准。",
        reference="IPCC 第五次评估报告",
        difficulty=2,
    )

    multiple = got["京都议定书气体"].item
    assert multiple.type is T.MULTIPLE
    assert multiple.options == (Option("CO₂", True), Option("N₂O", True), Option("O₂", False))
    assert multiple.difficulty == 3  # no tag: the middle

    true_false = got["碳中和判断"].item
    assert true_false.type is T.TRUE_FALSE
    assert true_false.options == (Option("正确", False), Option("错误", True))
    assert true_false.explanation == "碳中和是净零排放，排放与清除相抵。"

    essay = got["核算步骤"]
    assert essay.knowledge_point == "核查与报告"
    assert essay.item.type is T.SHORT
    assert essay.item.stem == "简述企业温室气体排放核算的主要步骤。"
    assert (
        essay.item.reference_answer
        == "确定核算边界，识别排放源，收集活动数据，选择排放因子，计算并汇总。"
    )
    assert essay.item.rubric == (
        Criterion("确定核算边界", Decimal(4)),
        Criterion("识别排放源", Decimal("3.5")),
    )

    fixed = got["天然气排放"].item
    assert fixed.type is T.NUMERIC
    assert fixed.stem == "某企业燃烧天然气 19.3 万 m³，排放因子 2.1622 tCO₂/万 m³，排放量约为多少？"
    assert (fixed.formula, fixed.parameters, fixed.unit) == ("41.73", (), "tCO₂")
    assert fixed.tolerance_percent == 1  # 0.4173 of 41.73

    calculated = got["参数化排放量"].item
    assert calculated.stem == "某企业消耗天然气 {v} 万 Nm³，排放因子为 {ef} tCO₂/万 Nm³，求排放量。"
    assert calculated.formula == "v*ef"
    assert calculated.parameters == (
        Parameter("v", Decimal(10), Decimal(50), Decimal(1), "万Nm³"),
        Parameter("ef", Decimal("2.1"), Decimal("2.3"), Decimal("0.01")),
    )
    assert (calculated.unit, calculated.tolerance_percent, calculated.difficulty) == ("tCO2", 2, 4)
    assert calculated.explanation == "排放量 = 活动数据 × 排放因子"

    simple = got["面积"].item
    assert simple.formula == "a ** 2"
    assert simple.parameters == (Parameter("a", Decimal(1), Decimal(9), Decimal("0.1")),)
    assert simple.tolerance_percent == 2  # ±0.5 around 25, the value at a = 5

    short = got["核算体系缩写"].item
    assert short.type is T.SHORT
    assert short.stem == "《温室气体核算体系》的英文简称是什么？"
    assert short.reference_answer == "GHG Protocol"
    assert short.keywords == ("GHG Protocol", "GHG")

    for q in result.questions:
        assert q.item.problems() == [], q.name


def test_it_skips_unsupported_and_invalid_moodle_questions_naming_them():
    problems = read_moodle_xml(MOODLE_XML.encode()).problems
    assert "第 9 题「碳市场配对」：Moodle 题型 matching 不受支持，已跳过" in problems
    assert any(
        p.startswith("第 10 题「两个满分答案」未导入：") and "恰有 1 个正确选项" in p
        for p in problems
    ), problems
    # What was imported with a loss says so.
    assert any("第 7 题「面积」" in p and "相对误差" in p for p in problems), problems
    assert "第 8 题「核算体系缩写」：题干中的图片或附件未导入" in problems
    assert any("第 5 题「天然气排放」" in p for p in problems) is False  # the "*" answer is no loss


def test_a_moodle_file_without_a_category_has_no_knowledge_point():
    data = """<quiz><question type="truefalse"><name><text>无分类</text></name>
    <questiontext format="html"><text>甲烷是温室气体。</text></questiontext>
    <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
    </question></quiz>"""
    result = read_moodle_xml(data.encode())
    assert result.problems == []
    [q] = result.questions
    assert (q.knowledge_point, q.points, q.item.options[0]) == ("", None, Option("正确", True))


def test_moodle_numbers_that_cannot_be_read_are_problems_not_exceptions():
    data = """<quiz>
    <question type="numerical"><name><text>坏数字</text></name>
      <questiontext><text>多少？</text></questiontext>
      <answer fraction="100"><text>四十二</text><tolerance>1</tolerance></answer></question>
    <question type="numerical"><name><text>答案为零</text></name>
      <questiontext><text>净排放是多少？</text></questiontext>
      <answer fraction="100"><text>0</text><tolerance>0.5</tolerance></answer></question>
    <question type="calculated"><name><text>取模</text></name>
      <questiontext><text>{a} 除以 3 的余数</text></questiontext>
      <answer fraction="100"><text>{a} % 3</text><tolerance>0.01</tolerance></answer>
      <dataset_definitions><dataset_definition><name><text>a</text></name>
        <minimum><text>1</text></minimum><maximum><text>9</text></maximum><decimals><text>0</text></decimals>
      </dataset_definition></dataset_definitions></question>
    <question type="multichoice"><name><text>坏比例</text></name>
      <questiontext><text>题</text></questiontext>
      <answer fraction="abc"><text>甲</text></answer></question>
    </quiz>"""
    result = read_moodle_xml(data.encode())
    assert [q.name for q in result.questions] == ["答案为零"]
    assert result.questions[0].item.tolerance_percent == 0
    assert result.problems[0] == "第 1 题「坏数字」：答案不是数字：四十二"
    assert "无法换算为相对误差" in result.problems[1]
    assert result.problems[2].startswith("第 3 题「取模」未导入：公式有误")
    assert result.problems[3] == "第 4 题「坏比例」：答案的得分比例不是数字：abc"


# --- XML safety and limits -----------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<quiz><question type="essay"><name><text>&lol9;</text></name></question></quiz>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><name><text>&secret;</text></name>
<questiontext><text>&secret;</text></questiontext></question></quiz>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY % remote SYSTEM "http://example.invalid/evil.dtd"> %remote;]>
<quiz/>"""

REFUSED = "文件含有 DOCTYPE 或实体声明，出于安全考虑拒绝导入"


@pytest.mark.parametrize(
    "data",
    [
        BILLION_LAUGHS,
        XXE,
        PARAMETER_ENTITY,
        b'<?xml version="1.0"?><!DOCTYPE quiz SYSTEM "http://example.invalid/quiz.dtd"><quiz/>',
        XXE.decode().replace('"1.0"?>', '"1.0" encoding="UTF-16"?>', 1).encode("utf-16"),
    ],
    ids=["billion-laughs", "xxe", "parameter-entity", "external-dtd", "utf-16"],
)
def test_it_refuses_a_doctype_or_entity_before_building_anything(data):
    result = read_moodle_xml(data)
    assert (result.questions, result.problems) == ([], [REFUSED])


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"<quiz><question type='essay'>", "文件不是格式正确的 XML（第 1 行"),
        (b"", "文件不是格式正确的 XML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "文件不是格式正确的 XML"),
        (b"<html><body>not a quiz</body></html>", "这不是 Moodle XML 题目文件"),
        (b" " * (MAX_INPUT_BYTES + 1), "文件超过 20 MB，未导入"),
    ],
    ids=["truncated", "empty", "binary", "other-root", "too-big"],
)
def test_bad_moodle_files_are_problems_not_exceptions(data, problem):
    result = read_moodle_xml(data)
    assert result.questions == []
    assert len(result.problems) == 1 and result.problems[0].startswith(problem), result.problems


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300) | st.text(alphabet="<>/=\"' quizestion&;![]CDAT", max_size=200))
def test_no_moodle_input_makes_it_raise(data):
    if isinstance(data, str):
        data = data.encode()
    result = read_moodle_xml(data)
    assert all(q.item.problems() == [] for q in result.questions)


# --- GIFT import ---------------------------------------------------------------------


def test_it_reads_each_gift_construct_field_by_field():
    result = read_gift(GIFT)
    questions = result.questions
    assert len(questions) == 10

    single = questions[0]
    assert (single.name, single.knowledge_point) == ("排放因子单位", "碳排放核算")
    assert single.item == Item(
        T.SINGLE,
        "燃料燃烧排放因子的单位是（提示: E = AD × EF）",
        (Option("tCO₂/TJ", True), Option("TJ/t"), Option("t")),
        explanation="排放量 = 活动数据 × 排放因子",
        reference="GB/T 32150—2015",
        difficulty=2,
    )

    multiple = questions[1].item
    assert multiple.type is T.MULTIPLE
    assert multiple.options == (Option("CO₂", True), Option("CH₄", True), Option("O₂"))
    assert multiple.difficulty == 3

    assert questions[2].item.type is T.TRUE_FALSE
    assert questions[2].item.options == (Option("正确", True), Option("错误", False))
    assert questions[3].name == ""
    assert questions[3].item.stem == "碳中和意味着不再排放任何二氧化碳。"
    assert questions[3].item.options == (Option("正确", False), Option("错误", True))

    essay = questions[4].item
    assert essay.type is T.SHORT
    assert essay.reference_answer == "确定边界，识别排放源，收集数据"
    assert essay.keywords == ("边界", "排放源")
    assert essay.rubric == (
        Criterion("确定核算边界", Decimal(5)),
        Criterion("识别排放源", Decimal(5)),
    )
    assert essay.explanation == ""

    heat = questions[5].item
    assert (heat.formula, heat.unit, heat.tolerance_percent) == ("29.3", "GJ", 1)
    assert heat.stem == "1 t 标准煤的热值约为多少 GJ？"
    span = questions[6].item
    assert (span.formula, span.tolerance_percent) == ("2", 50)

    missing_word = questions[7].item
    assert missing_word.stem == "温室气体核算体系的英文简称是 _____ 。"
    assert (missing_word.reference_answer, missing_word.keywords) == (
        "GHG Protocol",
        ("GHG Protocol", "GHG"),
    )

    assert questions[8].item.stem == "CO₂ 的相对分子质量约为"
    assert questions[8].item.formula == "44"
    assert questions[9].item.stem == "**甲烷** 的集合记号是 {CH₄} 吗"
    assert questions[9].item.options[0] == Option("正确", True)
    assert {q.knowledge_point for q in questions} == {"碳排放核算"}


def test_it_reports_gift_questions_it_cannot_take():
    assert read_gift(GIFT).problems == [
        "第 11 题「配对」：GIFT 配对题（matching）不受支持，已跳过",
        "第 12 题「这只是一段说明文字，没有答案。」：没有答案部分 {…}，是说明文字而非题目，已跳过",
        "第 13 题「坏题」：花括号不配对（文字中的 { } 要写成 \\{ \\}）",
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "文件中没有找到 GIFT 格式的题目"),
        ("// 只有注释\n\n   \n", "文件中没有找到 GIFT 格式的题目"),
        ("题 {=甲} 又一个 {=乙}", "一道题只能有一个答案部分"),
        ("题 } 反了 {", "花括号不配对"),
        ("题 {#十二:1}", "答案不是数字：十二"),
        ("题 {#1e99999..2}", "答案范围超出可处理的范围"),
        ("题 {~%x%甲 ~乙}", "未导入：多选题至少要有 2 个正确选项"),
        ("题 {=甲 ~%50%乙}", "未导入：单选题和判断题必须恰有 1 个正确选项"),
        ("题 {=只有一个 ~}", "选项内容不能为空"),
        ("::没有结尾 题 {T}", "题目名称缺少结尾的 ::"),
        ("a" * (MAX_INPUT_BYTES + 1), "文件超过 20 MB，未导入"),
    ],
)
def test_bad_gift_is_problems_not_exceptions(text, problem):
    result = read_gift(text)
    assert result.questions == []
    assert len(result.problems) == 1 and problem in result.problems[0], result.problems


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="{}~=#:\\%.-><12 甲\nT$CATEGORY/[]html&;", max_size=80))
def test_no_gift_input_makes_it_raise(text):
    result = read_gift(text)
    assert all(q.item.problems() == [] for q in result.questions)


# --- round trips ---------------------------------------------------------------------

STEP_FIVE = Parameter("a", Decimal(5), Decimal(50), Decimal(5), "t")
OURS = [
    Exchanged(
        Item(
            T.SINGLE,
            "下列关于 CO₂ 排放核算的说法正确的是（提示：E = AD × EF；{注意} ~ #1 \\ 反斜杠）\n\n第二段：<b>不是</b> HTML & 也不是实体 &amp;",
            (Option("排放量 = 活动数据 × 排放因子", True), Option("<25> & 更多"), Option("50%")),
            explanation="以 CO₂ 为基准。\n第二行说明。",
            difficulty=2,
            reference="GB/T 32150—2015",
        ),
        "碳排放核算",
        "核算公式",
        Decimal(2),
    ),
    Exchanged(
        Item(
            T.MULTIPLE,
            "《京都议定书》附件 A 所列温室气体有：",
            tuple(
                Option(text, text != "O₂")
                for text in ("CO₂", "CH₄", "N₂O", "HFCs", "PFCs", "SF₆", "NF₃", "O₂")
            ),
            difficulty=4,
        ),
        "碳市场/配额分配",
        "附件A气体",
        Decimal("2.5"),
    ),
    Exchanged(
        Item(T.TRUE_FALSE, "碳达峰先于碳中和。", (Option("正确", True), Option("错误"))),
        "双碳目标",
        "达峰",
    ),
    Exchanged(
        Item(T.TRUE_FALSE, "碳中和意味着零排放。", (Option("正确"), Option("错误", True))),
        "双碳目标",
        "中和",
    ),
    Exchanged(
        Item(
            T.SHORT,
            "简述企业温室气体排放核算的步骤。",
            reference_answer="确定核算边界；\n识别排放源；\n\n收集活动数据并计算。",
            rubric=(Criterion("核算边界", Decimal(4)), Criterion("排放源识别", Decimal("3.5"))),
            keywords=("核算边界", "排放源"),
            explanation="参考《指南》。",
            difficulty=5,
            reference="企业温室气体排放核算方法与报告指南",
        ),
        "核查与报告",
        "核算步骤",
        Decimal(10),
    ),
    Exchanged(
        Item(
            T.NUMERIC,
            "某企业排放量约为多少？",
            formula="41.8",
            unit="tCO₂",
            tolerance_percent=Decimal(1),
        ),
        "核查与报告",
        "固定数值",
        Decimal(5),
    ),
    Exchanged(
        Item(
            T.NUMERIC,
            "某企业消耗天然气 {v} 万Nm³，排放因子 {ef} tCO₂/万Nm³，排放量为多少？",
            parameters=(
                Parameter("v", Decimal(10), Decimal(50), Decimal(1), "万Nm³"),
                Parameter("ef", Decimal("2.1"), Decimal("2.3"), Decimal("0.01")),
            ),
            formula="v * ef",
            unit="tCO₂",
            tolerance_percent=Decimal(2),
        ),
        "核查与报告",
        "参数化",
    ),
    Exchanged(
        Item(
            T.NUMERIC,
            "边长 {a} m，面积的一半是多少？",
            parameters=(STEP_FIVE,),
            formula="a ** 2 / 2",
            tolerance_percent=Decimal("0.5"),
        ),
        "核查与报告",
        "幂与步长",
    ),
]
WITH_PARAMETERS = {"参数化", "幂与步长"}


def test_our_items_all_have_no_problems():
    assert [q.item.problems() for q in OURS] == [[]] * len(OURS)


def test_moodle_xml_round_trip_keeps_everything():
    result = read_moodle_xml(write_moodle_xml(OURS))
    assert result.problems == []
    assert result.questions == OURS


def test_moodle_xml_export_has_the_moodle_shape():
    quiz = parsed(write_moodle_xml(OURS))
    categories = [c.findtext("category/text") for c in quiz.findall("question[@type='category']")]
    assert categories == [
        "$course$/双碳题库/碳排放核算",
        "$course$/双碳题库/碳市场//配额分配",
        "$course$/双碳题库/双碳目标",
        "$course$/双碳题库/核查与报告",
    ]
    multiple = quiz.find("question[@type='multichoice'][single='false']")
    fractions = [Decimal(a.get("fraction")) for a in multiple.findall("answer")]
    assert fractions == [Decimal("14.28571")] * 7 + [Decimal(-100)]
    assert abs(sum(f for f in fractions if f > 0) - 100) < Decimal("0.001")
    essay = quiz.find("question[@type='essay']")
    assert "标准：核算边界（4分）" in essay.findtext("graderinfo/text")
    numerical = quiz.find("question[@type='numerical']/answer")
    assert (numerical.findtext("text"), numerical.findtext("tolerance")) == ("41.8", "0.418")
    calculated = quiz.findall("question[@type='calculated']")
    assert calculated[0].findtext("answer/text") == "{v} * {ef}"
    assert calculated[0].findtext("answer/tolerance") == "0.02"
    assert calculated[1].findtext("answer/text") == "pow({a}, 2) / 2"
    assert [t.text for t in calculated[1].findall("tags/tag/text")] == [
        "difficulty:3",
        "step:a=5",
        "unit:a=t",
    ]
    values = [Decimal(v.text) for v in calculated[1].findall(".//dataset_item/value")]
    assert len(values) == 10 and all(v % 5 == 0 and 5 <= v <= 50 for v in values)


def test_moodle_xml_export_names_a_nameless_question_by_its_stem():
    nameless = replace(OURS[2], name="")
    quiz = parsed(write_moodle_xml([nameless]))
    assert quiz.findtext("question[@type='truefalse']/name/text") == "碳达峰先于碳中和。"


def test_exports_refuse_content_with_problems():
    broken = Exchanged(Item(T.SINGLE, "题", (Option("甲"), Option("乙"))), "点", "坏")
    for write in (write_moodle_xml, write_gift, write_qti_package):
        with pytest.raises(ValueError, match="第 1 题「坏」有问题，不能导出"):
            write([broken])
    with pytest.raises(ValueError):
        write_qti_item(broken)


def test_gift_round_trip_keeps_what_gift_can_carry():
    text, warnings = write_gift(OURS)
    result = read_gift(text)
    assert result.problems == []
    assert len(result.questions) == len(OURS)
    for ours, back in zip(OURS, result.questions, strict=True):
        assert (back.name, back.knowledge_point) == (ours.name, ours.knowledge_point)
        assert back.points is None  # GIFT has no points
        if ours.name not in WITH_PARAMETERS:
            assert back.item == ours.item
    assert warnings == [
        "第 7 题「参数化」带参数，GIFT 无法表达，已按参数中值（v=30，ef=2.2）导出为固定答案的数值题",
        "第 8 题「幂与步长」带参数，GIFT 无法表达，已按参数中值（a=25）导出为固定答案的数值题",
        "GIFT 没有分值，4 道题的分值未写入",
    ]


def test_gift_writes_parameters_at_their_midpoint():
    text, _ = write_gift(OURS)
    by_name = {q.name: q.item for q in read_gift(text).questions}
    fixed = by_name["参数化"]
    assert fixed.stem == "某企业消耗天然气 30 万Nm³，排放因子 2.2 tCO₂/万Nm³，排放量为多少？"
    assert (fixed.parameters, fixed.formula, fixed.unit) == ((), "66", "tCO₂")
    assert fixed.tolerance_percent == 2
    assert by_name["幂与步长"].formula == "312.5"


def test_gift_export_escapes_and_marks_plain_text():
    text, _ = write_gift(OURS[:1])
    assert "$CATEGORY: $course$/双碳题库/碳排放核算" in text
    assert "// [tag:difficulty:2]" in text
    assert "::核算公式::[plain]下列关于 CO₂" in text
    assert (
        r"提示\：" not in text
        and r"提示：E \= AD × EF；\{注意\} \~ \#1 \\ 反斜杠）\n\n第二段" in text
    )
    assert "\t=排放量 \\= 活动数据 × 排放因子\n" in text


# --- QTI 2.1 -------------------------------------------------------------------------


def qti(q: Exchanged) -> ET.Element:
    root = parsed(write_qti_item(q))
    assert root.tag == f"{QTI}assessmentItem"
    return root


def test_qti_single_choice():
    root = qti(OURS[0])
    assert (root.get("title"), root.get("label")) == ("核算公式", "碳排放核算")
    declaration = root.find(f"{QTI}responseDeclaration")
    assert (declaration.get("cardinality"), declaration.get("baseType")) == ("single", "identifier")
    assert [v.text for v in declaration.findall(f"{QTI}correctResponse/{QTI}value")] == ["A"]
    interaction = root.find(f"{QTI}itemBody/{QTI}choiceInteraction")
    assert interaction.get("maxChoices") == "1"
    choices = interaction.findall(f"{QTI}simpleChoice")
    assert [(c.get("identifier"), c.text) for c in choices] == [
        ("A", "排放量 = 活动数据 × 排放因子"),
        ("B", "<25> & 更多"),
        ("C", "50%"),
    ]
    paragraphs = root.findall(f"{QTI}itemBody/{QTI}p")
    assert paragraphs[0].text.startswith("下列关于 CO₂ 排放核算")
    assert root.find(f".//{QTI}setOutcomeValue/{QTI}baseValue").text == "2"
    tutor = root.find(f"{QTI}itemBody/{QTI}rubricBlock[@view='tutor']")
    assert "出处：GB/T 32150—2015" in ET.tostring(tutor, encoding="unicode")


def test_qti_multiple_choice_allows_any_number_of_choices():
    root = qti(OURS[1])
    assert root.find(f".//{QTI}choiceInteraction").get("maxChoices") == "0"
    declaration = root.find(f"{QTI}responseDeclaration")
    assert declaration.get("cardinality") == "multiple"
    assert [v.text for v in declaration.findall(f".//{QTI}value")] == list("ABCDEFG")


def test_qti_short_answer_is_extended_text_with_a_scorer_rubric():
    root = qti(OURS[4])
    assert root.find(f"{QTI}responseDeclaration").get("baseType") == "string"
    assert root.find(f".//{QTI}extendedTextInteraction") is not None
    assert root.find(f"{QTI}responseProcessing") is None  # marked by graders
    scorer = ET.tostring(root.find(f".//{QTI}rubricBlock[@view='scorer']"), encoding="unicode")
    assert "参考答案：确定核算边界；" in scorer and "标准：排放源识别（3.5分）" in scorer


def test_qti_numeric_is_a_float_with_relative_tolerance():
    root = qti(OURS[5])
    declaration = root.find(f"{QTI}responseDeclaration")
    assert declaration.get("baseType") == "float"
    assert declaration.findtext(f".//{QTI}value") == "41.8"
    assert root.find(f".//{QTI}textEntryInteraction").tail.strip() == "tCO₂"
    equal = root.find(f".//{QTI}equal")
    assert (equal.get("toleranceMode"), equal.get("tolerance")) == ("relative", "1")
    score = root.find(f"{QTI}outcomeDeclaration[@identifier='SCORE']")
    assert score.get("normalMaximum") == "5"


def test_qti_package_has_a_manifest_naming_every_item():
    data, warnings = write_qti_package(OURS)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = package.namelist()
        manifest = parsed(package.read("imsmanifest.xml"))
        items = {name: parsed(package.read(name)) for name in names if name.startswith("items/")}
    assert names[0] == "imsmanifest.xml" and len(items) == len(OURS)
    assert manifest.tag == f"{IMSCP}manifest"
    resources = manifest.findall(f"{IMSCP}resources/{IMSCP}resource")
    assert [r.get("href") for r in resources] == sorted(items)
    assert {r.get("type") for r in resources} == {"imsqti_item_xmlv2p1"}
    assert all(item.tag == f"{QTI}assessmentItem" for item in items.values())
    first = resources[0]
    assert first.find(f"{IMSCP}file").get("href") == first.get("href")
    assert first.findtext(f".//{LOM}keyword/{LOM}string") == "碳排放核算"
    assert first.findtext(f".//{LOM}difficulty/{LOM}value") == "easy"
    fixed = items["items/item0007.xml"]
    assert fixed.findtext(f".//{QTI}correctResponse/{QTI}value") == "66"
    assert "消耗天然气 30 万Nm³" in fixed.findtext(f"{QTI}itemBody/{QTI}p")
    assert warnings == [
        "第 7 题「参数化」带参数，已按参数中值（v=30，ef=2.2）导出为固定答案",
        "第 8 题「幂与步长」带参数，已按参数中值（a=25）导出为固定答案",
    ]
    assert write_qti_package(OURS)[0] == data  # the same bank gives the same bytes
