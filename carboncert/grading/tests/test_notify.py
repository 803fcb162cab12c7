"""Telling people: email through Django, SMS through the configured gateway."""

import json
from datetime import UTC, datetime

import pytest
from django.core import mail

from carboncert import notify

MESSAGE = notify.Sms("13812345678", "results_released", {"name": "张三"}, "张三，成绩已公布")


def gateway(secret="secret"):
    return notify.AliyunGateway("key-id", secret, "双碳考核", {"results_released": "SMS_1"})


def test_the_aliyun_request_is_signed_over_every_parameter():
    query = gateway().signed_query(MESSAGE, nonce="n1", now=datetime(2027, 1, 11, tzinfo=UTC))
    assert query.startswith("Signature=")
    assert "Action=SendSms" in query and "PhoneNumbers=13812345678" in query
    assert "TemplateCode=SMS_1" in query and "Timestamp=2027-01-11T00%3A00%3A00Z" in query
    other = gateway("other").signed_query(MESSAGE, nonce="n1",
                                          now=datetime(2027, 1, 11, tzinfo=UTC))  # fmt: skip
    assert query.split("&")[0] != other.split("&")[0]


def test_the_aliyun_gateway_reports_a_refusal(monkeypatch):
    class Reply:
        def __init__(self, body):
            self.body = body

        def read(self):
            return json.dumps(self.body).encode()

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(notify.urllib.request, "urlopen",
                        lambda url, timeout: Reply({"Code": "isv.BUSINESS_LIMIT_CONTROL",
                                                    "Message": "触发流控"}))  # fmt: skip
    with pytest.raises(notify.SmsError, match="触发流控"):
        gateway().send(MESSAGE)
    with pytest.raises(notify.SmsError, match="模板"):
        gateway().send(notify.Sms("138", "unknown", {}, ""))
    with pytest.raises(notify.SmsError, match="均需设置"):
        notify.AliyunGateway("", "", "", {})


def test_tell_sends_mail_and_sms_and_a_failure_stops_nothing(settings, monkeypatch):
    notify.LogGateway.sent.clear()
    assert notify.tell(email="a@example.com", phone="13812345678", subject="成绩",
                       text="已公布", kind="results_released", params={}) == []  # fmt: skip
    assert mail.outbox[0].to == ["a@example.com"] and notify.LogGateway.sent[0].text == "已公布"
    settings.SMS_GATEWAY = "aliyun"  # not configured: the SMS fails, the mail still goes
    failed = notify.tell(email="b@example.com", phone="138", subject="成绩", text="已公布",
                         kind="results_released", params={})  # fmt: skip
    assert (
        len(failed) == 1 and failed[0].startswith("sms") and mail.outbox[1].to == ["b@example.com"]
    )
