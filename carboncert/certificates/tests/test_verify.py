"""The public verification page through the test client: by number and name, by a scanned
QR code (edited, garbage, revoked), before the lookup date, rate-limited per address, and the
published keys. It shows what the certificate shows (the masked ID) and nothing more."""

import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from carboncert import testing
from carboncert.certificates import keys, services, signing

from .conftest import passed_candidates

pytestmark = pytest.mark.django_db
BJ = ZoneInfo("Asia/Shanghai")
ISSUED = datetime.date(2027, 2, 20)
OPENS = datetime.date(2027, 2, 26)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@pytest.fixture
def certificate(december, time_machine):
    """张三's certificate, issued on 2027-02-20, open for lookup from 2027-02-26; today is
    2027-03-01."""
    sitting, subject = december
    [result] = passed_candidates(1, sitting, subject, photos=False)
    certificate = services.issue(result, on=ISSUED)
    sitting.lookup_on = OPENS
    sitting.save()
    time_machine.move_to(datetime.datetime(2027, 3, 1, 10, tzinfo=BJ), tick=False)
    return certificate


def ask(client, number, name, **extra):
    return client.get("/verify/", {"number": number, "name": name}, **extra)


def scan(client, token, **extra):
    return client.get(f"/v/{quote(token, safe='')}", **extra)


def personal_data(certificate) -> list[str]:
    """What the page must not show unless the certificate is verified."""
    return [certificate.name, certificate.masked_id_number, "碳排放管理技术", "2027年2月20日",
            certificate.application.person.id_number]  # fmt: skip


def edit(text: str, i: int) -> str:
    """text with its i-th character changed to the next one of the base64url alphabet."""
    return text[:i] + ALPHABET[(ALPHABET.index(text[i]) + 1) % 64] + text[i + 1 :]


# --- valid, not found ------------------------------------------------------------------------


def test_a_valid_certificate_by_number_and_name_even_typed_loosely(certificate, client):
    full_id = certificate.application.person.id_number
    for number, name in [
        (certificate.number, "张三"),
        (" 2027 ce1 000001 ", " 张 三 "),  # spaces and lower case, as people type on a phone
        ("2027-ce1-000001", "张三"),
    ]:
        response = ask(client, number, name)
        page = response.content.decode()
        assert response.status_code == 200, number
        assert 'role="status"' in page and "证书有效" in page, number
        for fact in ("张三", certificate.masked_id_number, "碳排放管理技术", "初级",
                     certificate.number, "2027年2月20日"):  # fmt: skip
            assert fact in page, (number, fact)
        assert full_id not in page  # the masked ID only, as the certificate prints it
    assert response["Cache-Control"].startswith("max-age=0")  # never cached (a revocation)


def test_a_valid_certificate_by_its_qr_code(certificate, client):
    page = scan(client, certificate.token).content.decode()
    assert "证书有效" in page and "二维码签名校验通过" in page
    assert "张三" in page and certificate.masked_id_number in page
    assert certificate.application.person.id_number not in page


def test_a_wrong_name_finds_nothing_and_shows_nothing(certificate, client):
    for number, name in [
        (certificate.number, "李四"),
        (certificate.number, "张"),
        (certificate.number, ""),  # a number alone tells nothing
        ("", "张三"),
        ("2027CE1000002", "张三"),  # the next number, not issued
        ("not a number", "张三"),
    ]:
        response = ask(client, number, name)
        page = response.content.decode()
        assert response.status_code == 200
        assert "未找到该证书" in page and "证书有效" not in page, (number, name)
        for fact in personal_data(certificate):
            if fact == name:
                continue  # the name typed is echoed back in the form
            assert fact not in page, (number, name, fact)
        assert "证书信息" not in page


# --- forged QR codes -------------------------------------------------------------------------


def test_a_token_edited_by_one_character_is_invalid(certificate, client):
    data, _, signature = certificate.token.partition(".")
    edits = {
        "payload, first": edit(certificate.token, 0),
        "payload, middle": edit(certificate.token, len(data) // 2),
        "payload, last": edit(certificate.token, len(data) - 1),
        "signature, first": edit(certificate.token, len(data) + 1),
        "signature, middle": edit(certificate.token, len(data) + 1 + len(signature) // 2),
        # Its last character carries 2 bits of the signature and 4 unused ones.
        "signature, last": edit(certificate.token, len(certificate.token) - 1),
    }
    for where, token in edits.items():
        assert token != certificate.token
        response = scan(client, token)
        page = response.content.decode()
        assert response.status_code == 200, where
        assert "二维码无效" in page and "证书有效" not in page, where
        for fact in personal_data(certificate):
            assert fact not in page, (where, fact)


def test_a_name_re_signed_with_another_key_is_invalid(certificate, client):
    kid = signing.Payload.decode(signing.unb64(certificate.token.split(".")[0])).kid
    payload = signing.Payload(kid, certificate.number, "李四", "CE-1", 1, ISSUED)
    forged = signing.sign(payload, Ed25519PrivateKey.generate())
    assert "二维码无效" in scan(client, forged).content.decode()


@pytest.mark.parametrize(
    "token",
    ["x", ".", "..", "a.b", "a.b.c", "====.====", "djF8", "djF8.", ".djF8", "中文.签名", "€",
     "%", "%00", "\x00.\x00", " ", "x" * 5000, "A" * 600 + "." + "B" * 600,
     signing.b64(b"v1|k1|2027CE1000001|\xff|CE-1|1|20270220") + ".AAAA",
     signing.b64(b"v1|k1|2027CE1000001|a|CE-1|x|20270220") + ".AAAA",
     signing.b64(b"v1|k1|2027CE1000001|a|CE-1|1|20271399") + ".AAAA",
     signing.b64(b"v2|k1|2027CE1000001|a|CE-1|1|20270220") + ".AAAA"],
)  # fmt: skip
def test_a_garbage_token_is_invalid_never_an_error(certificate, client, token):
    response = scan(client, token)
    assert response.status_code == 200
    assert "二维码无效" in response.content.decode()


# --- revoked, not yet ------------------------------------------------------------------------


def test_a_revoked_certificate_says_so_with_the_date_by_scan_and_by_form(
    certificate, client, time_machine
):
    # Half past midnight in Beijing, still the day before in UTC: the date is Beijing's.
    time_machine.move_to(datetime.datetime(2027, 3, 1, 0, 30, tzinfo=BJ), tick=False)
    services.revoke(certificate, testing.administrator(), "考后查实替考")
    time_machine.move_to(datetime.datetime(2027, 3, 2, 9, tzinfo=BJ), tick=False)
    for response in (scan(client, certificate.token), ask(client, certificate.number, "张三")):
        page = response.content.decode()
        assert response.status_code == 200
        assert "证书已撤销" in page and "证书有效" not in page
        assert "该证书已于 2027年3月1日 撤销" in page
        assert "替考" not in page  # the reason is not the public's business


def test_before_the_lookup_date_it_says_when_and_shows_no_facts(certificate, client, time_machine):
    time_machine.move_to(datetime.datetime(2027, 2, 25, 23, 59, tzinfo=BJ), tick=False)
    for response in (scan(client, certificate.token), ask(client, certificate.number, "张三")):
        page = response.content.decode()
        assert "暂未开放查询" in page and "2027年2月26日" in page
        assert "证书有效" not in page and "证书信息" not in page
        for fact in personal_data(certificate)[1:]:  # the name may be the one typed in the form
            assert fact not in page, fact
    assert "张三" not in scan(client, certificate.token).content.decode()
    time_machine.move_to(datetime.datetime(2027, 2, 26, 0, 0, 1, tzinfo=BJ), tick=False)
    assert "证书有效" in scan(client, certificate.token).content.decode()


def test_before_the_lookup_date_is_set_it_says_it_is_not_yet_known(certificate, client):
    certificate.sitting.lookup_on = None
    certificate.sitting.save()
    page = scan(client, certificate.token).content.decode()
    assert "暂未开放查询" in page and "查询日期尚未确定" in page and "张三" not in page


# --- rate limit, keys ------------------------------------------------------------------------


def test_the_fourth_request_in_a_minute_from_one_address_is_refused(certificate, client, settings):
    settings.VERIFY_PER_MINUTE = 3
    assert ask(client, certificate.number, "张三").status_code == 200
    assert scan(client, certificate.token).status_code == 200
    assert ask(client, certificate.number, "李四").status_code == 200
    assert client.get("/verify/").status_code == 200  # the empty form is not a query
    for fourth in (ask(client, certificate.number, "张三"), scan(client, certificate.token)):
        page = fourth.content.decode()
        assert fourth.status_code == 429
        assert "查询过于频繁" in page and "证书有效" not in page and "张三" not in page
    other = scan(client, certificate.token, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200 and "证书有效" in other.content.decode()
    # The window's end is the cache's own expiry (Redis keeps real time, not the test's).


def test_the_published_keys_list_every_key_id(certificate, client):
    first = signing.Payload.decode(signing.unb64(certificate.token.split(".")[0])).kid
    second = keys.rotate()
    response = client.get("/verify/keys.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    published = response.json()
    assert published["algorithm"] == "Ed25519"
    assert set(published["keys"]) == {first, second}
    for kid, text in published["keys"].items():
        assert text == signing.public_key_text(keys.public_keys()[kid])
    assert "证书有效" in scan(client, certificate.token).content.decode()  # old key still works


def test_the_verification_page_speaks_english_when_chosen(december, client, settings):
    sitting, subject = december
    [result] = passed_candidates(1, sitting, subject)
    certificate = services.issue(result, on=datetime.date(2026, 12, 1))
    sitting.lookup_on = datetime.date(2026, 12, 1)
    sitting.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/v/{certificate.token}").content.decode()
    assert "Certificate valid" in page and "Verify by certificate number and name" in page
    page = client.get("/verify/", {"number": certificate.number, "name": "无此人"}).content.decode()
    assert "Certificate not found" in page
