import pytest
from django.urls import reverse

from carboncert import testing
from carboncert.accounts import roles

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def login(client, username, password=testing.PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def test_a_candidate_logs_in_with_a_lower_case_x(client):
    testing.candidate()
    response = login(client, testing.ZHANG_SAN_ID.lower())
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")
    home = client.get(reverse("accounts:home")).content.decode()
    assert "1101**********107X" in home
    assert testing.ZHANG_SAN_ID not in home


def test_a_wrong_password_is_refused_in_chinese(client):
    testing.candidate()
    response = login(client, testing.ZHANG_SAN_ID, "wrong")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    testing.candidate()
    for _ in range(3):
        login(client, testing.ZHANG_SAN_ID, "wrong")
    response = login(client, testing.ZHANG_SAN_ID.lower())
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_success_clears_the_account_counter(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    testing.candidate()
    login(client, testing.ZHANG_SAN_ID, "wrong")
    login(client, testing.ZHANG_SAN_ID, "wrong")
    assert login(client, testing.ZHANG_SAN_ID).status_code == 302
    client.post(reverse("accounts:logout"))
    login(client, testing.ZHANG_SAN_ID, "wrong")
    assert login(client, testing.ZHANG_SAN_ID).status_code == 302


def test_logout_is_a_post(client):
    testing.candidate()
    login(client, testing.ZHANG_SAN_ID)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_the_workbench_needs_a_login(client):
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_password_change(client):
    testing.candidate()
    login(client, testing.ZHANG_SAN_ID)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": testing.PASSWORD,
            "new_password1": "Lv-tan-2026-new",
            "new_password2": "Lv-tan-2026-new",
        },
    )
    assert response.status_code == 302
    client.post(reverse("accounts:logout"))
    assert login(client, testing.ZHANG_SAN_ID).status_code == 200
    assert login(client, testing.ZHANG_SAN_ID, "Lv-tan-2026-new").status_code == 302


def test_a_weak_new_password_is_refused_in_chinese(client):
    testing.candidate()
    login(client, testing.ZHANG_SAN_ID)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": testing.PASSWORD, "new_password1": "123", "new_password2": "123"},
    )
    assert response.status_code == 200
    assert "密码" in response.content.decode() and "太短" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "sees", "does_not_see"),
    [
        (roles.CANDIDATE, ["查看考试安排与时间表"], ["管理后台", "节假日安排"]),
        (roles.INSTITUTION, ["考试批次与报名截止日期"], ["管理后台"]),
        (roles.REVIEWER, ["审核员", "进入管理后台", "管理后台"], ["节假日安排"]),
        (roles.ADMINISTRATOR, ["节假日安排（工作日日历）", "按规则生成", "审计日志"], []),
    ],
)
def test_each_role_sees_its_own_navigation(client, role, sees, does_not_see):
    if role == roles.CANDIDATE:
        user = testing.candidate()
    else:
        user = testing.staff(f"user-{role}", role, institution=testing.institution())
    client.force_login(user)
    page = client.get(reverse("accounts:home")).content.decode()
    for text in sees:
        assert text in page
    for text in does_not_see:
        assert text not in page


def test_anonymous_navigation_has_only_public_pages(client):
    page = client.get("/").content.decode()
    assert "我的工作台" not in page and "管理后台" not in page
    assert reverse("accounts:login") in page


def test_one_address_guessing_many_accounts_is_stopped(client, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 4
    testing.candidate()
    for n in range(4):
        login(client, f"guess{n}", "wrong")
    response = login(client, testing.ZHANG_SAN_ID)
    assert "登录失败次数过多" in response.content.decode()
