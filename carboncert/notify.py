"""Telling people things: email through Django's mail backend, SMS through a gateway.

The SMS gateway is the outside world, so it sits behind one small interface:
`LogGateway` (the embedded default; writes each message to the log) and
`AliyunGateway` (Alibaba Cloud SMS, the usual choice in China; RPC API
`SendSms`, signature method HMAC-SHA1 as Alibaba Cloud documents it). Settings:
SMS_GATEWAY, SMS_ACCESS_KEY_ID, SMS_ACCESS_KEY_SECRET, SMS_SIGN_NAME, SMS_TEMPLATES.
Chinese SMS must use a template approved in advance, so a message is a template
kind and its parameters; the text is for the log and for email.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail

log = logging.getLogger(__name__)


class SmsError(Exception):
    pass


@dataclass(frozen=True)
class Sms:
    phone: str
    kind: str  # the template's kind, e.g. "results_released"
    params: dict[str, str]
    text: str  # what it says, in full, for the log


class SmsGateway(Protocol):
    def send(self, message: Sms) -> None: ...


class LogGateway:
    """Writes the message to the log instead of sending it (and keeps it, for tests)."""

    sent: list[Sms] = []

    def send(self, message: Sms) -> None:
        self.sent.append(message)
        log.info("SMS to %s***%s: %s", message.phone[:3], message.phone[-4:], message.text)


class AliyunGateway:
    endpoint = "https://dysmsapi.aliyuncs.com/"

    def __init__(self, key_id: str, secret: str, sign_name: str, templates: dict[str, str]):
        if not (key_id and secret and sign_name):
            raise SmsError("SMS_ACCESS_KEY_ID、SMS_ACCESS_KEY_SECRET、SMS_SIGN_NAME 均需设置。")
        self.key_id, self.secret, self.sign_name, self.templates = (
            key_id,
            secret,
            sign_name,
            templates,
        )

    def signed_query(self, message: Sms, *, nonce: str | None = None, now: datetime | None = None):
        template = self.templates.get(message.kind)
        if not template:
            raise SmsError(f"没有为 {message.kind} 配置短信模板（SMS_TEMPLATES）。")
        params = {
            "AccessKeyId": self.key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": message.phone,
            "RegionId": "cn-hangzhou",
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce or uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": template,
            "TemplateParam": json.dumps(message.params, ensure_ascii=False),
            "Timestamp": (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }

        def encode(value: str) -> str:  # RFC 3986, as the API's signature requires
            return urllib.parse.quote(value, safe="~")

        canonical = "&".join(f"{encode(k)}={encode(v)}" for k, v in sorted(params.items()))
        to_sign = f"GET&{encode('/')}&{encode(canonical)}"
        digest = hmac.new(f"{self.secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
        return f"Signature={encode(base64.b64encode(digest).decode())}&{canonical}"

    def send(self, message: Sms) -> None:
        url = f"{self.endpoint}?{self.signed_query(message)}"
        with urllib.request.urlopen(url, timeout=10) as response:  # a fixed https endpoint
            reply = json.loads(response.read().decode())
        if reply.get("Code") != "OK":
            raise SmsError(f"{reply.get('Code')}: {reply.get('Message')}")


def gateway() -> SmsGateway:
    if settings.SMS_GATEWAY == "aliyun":
        return AliyunGateway(settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET,
                             settings.SMS_SIGN_NAME, settings.SMS_TEMPLATES)  # fmt: skip
    return LogGateway()


def tell(*, email: str = "", phone: str = "", subject: str, text: str, kind: str,
         params: dict[str, str]) -> list[str]:  # fmt: skip
    """Email and/or text one person; returns what failed (a failure never stops the rest)."""
    failed = []
    if email:
        try:
            send_mail(subject, text, None, [email])
        except Exception as error:  # a mail server down must not stop a release
            log.warning("mail to %s failed: %s", email, error)
            failed.append(f"email: {error}")
    if phone:
        try:
            gateway().send(Sms(phone, kind, params, text))
        except Exception as error:
            log.warning("SMS to %s failed: %s", phone[-4:], error)
            failed.append(f"sms: {error}")
    return failed
