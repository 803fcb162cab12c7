import pytest
from django.urls import reverse

from carboncert.catalog.models import KnowledgePoint, ModulePoint, Subject, SyllabusModule
from carboncert.catalog.services import load_catalogue

pytestmark = pytest.mark.django_db


def test_loading_twice_changes_nothing():
    first = load_catalogue()
    point_ids = set(KnowledgePoint.objects.values_list("pk", flat=True))
    second = load_catalogue()
    assert first == second
    assert first["subjects"] == 12
    assert set(KnowledgePoint.objects.values_list("pk", flat=True)) == point_ids


def test_a_knowledge_point_is_one_row_shared_by_every_subject(catalogue):
    point = KnowledgePoint.objects.get(name="温室气体的影响")
    subjects = Subject.objects.filter(modules__points=point).distinct()
    assert subjects.count() == 12
    assert KnowledgePoint.objects.filter(name="碳排放量化与报告原则").count() == 1


def test_points_keep_their_syllabus_order(catalogue):
    module = SyllabusModule.objects.get(subject__code="CM-2", order=3)
    names = [link.point.name for link in ModulePoint.objects.filter(module=module)]
    assert names == ["活动数据获取", "排放因子确定", "排放量计算", "报告编制及内审"]


def test_the_programme_page_lists_all_twelve_subjects(catalogue, client):
    page = client.get(reverse("catalog:programme")).content.decode()
    for subject in Subject.objects.all():
        assert reverse("catalog:subject", args=[subject.code]) in page
    assert "碳排放管理技术" in page and "不少于 48 标准课时" in page


@pytest.mark.parametrize(
    "code",
    [f"{sp}-{lv}" for sp in ("CM", "CE", "CT", "CA") for lv in (1, 2, 3)],
)
def test_each_subject_page_shows_its_syllabus(
    catalogue, client, code, django_assert_max_num_queries
):
    subject = Subject.objects.get(code=code)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("catalog:subject", args=[code.lower()]))
    page = response.content.decode()
    assert response.status_code == 200
    for module in subject.modules.all():
        assert module.name in page
        assert f"{module.weight}%" in page
        for point in module.points.all():
            assert point.name in page


def test_the_specialty_page_shows_its_training_objectives(catalogue, client):
    page = client.get(reverse("catalog:specialty", args=["CM"])).content.decode()
    assert "培养目标" in page
    assert "能制定监测数据质量保证方案" in page


def test_the_eligibility_page_lists_every_condition(catalogue, client):
    page = client.get(reverse("catalog:eligibility")).content.decode()
    assert "在校大学生、相关职业院校学生" in page
    assert "取得其他高级职业或技能证书、职称证书等满一年" in page
    assert "二寸免冠蓝底彩色电子照片" in page


def test_unknown_subjects_are_404(catalogue, client):
    assert client.get("/subjects/XX-9/").status_code == 404
    assert client.get("/specialties/ZZ/").status_code == 404


def test_the_admin_refuses_weights_that_do_not_make_100(catalogue, admin_client):
    subject = Subject.objects.get(code="CE-1")
    modules = list(subject.modules.all())
    data = {
        "code": subject.code,
        "specialty": subject.specialty_id,
        "level": subject.level_id,
        "modules-TOTAL_FORMS": len(modules),
        "modules-INITIAL_FORMS": len(modules),
        "modules-MIN_NUM_FORMS": 0,
        "modules-MAX_NUM_FORMS": 1000,
    }
    for i, m in enumerate(modules):
        data.update(
            {
                f"modules-{i}-id": m.pk,
                f"modules-{i}-subject": subject.pk,
                f"modules-{i}-order": m.order,
                f"modules-{i}-name": m.name,
                f"modules-{i}-weight": m.weight - (1 if i == 0 else 0),
            }
        )
    url = reverse("admin:catalog_subject_change", args=[subject.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "科目 CE-1 的考核权重合计为 99%，应为 100%" in response.content.decode()
    assert sum(subject.modules.values_list("weight", flat=True)) == 100
