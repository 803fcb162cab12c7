"""The QR code's signed payload: pure, no database.

A certificate's QR code holds the verification URL and, in its path, a compact
payload signed with Ed25519, so that it can be checked without our server:

    v1|<key id>|<number>|<name>|<subject code>|<level>|<issued YYYYMMDD>

as UTF-8, base64url without padding, a dot, and the 64-byte signature the same
way. Whoever has the published public keys (GET /verify/keys.json, or
`carboncert certificates verify`) can check it offline; the online page also checks
the database (revoked? still on record?). Keys rotate: each payload names the key
that signed it, and old public keys stay published.
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

VERSION = "v1"


class BadToken(ValueError):
    """Not a payload we signed: malformed, unknown key, or a signature that does not match."""


@dataclass(frozen=True)
class Payload:
    kid: str
    number: str
    name: str
    subject: str
    level: int
    issued_on: datetime.date

    def encode(self) -> bytes:
        fields = [VERSION, self.kid, self.number, self.name, self.subject, str(self.level),
                  self.issued_on.strftime("%Y%m%d")]  # fmt: skip
        if any("|" in f for f in fields):
            raise ValueError("a field contains |")
        return "|".join(fields).encode()

    @classmethod
    def decode(cls, data: bytes) -> Payload:
        try:
            version, kid, number, name, subject, level, issued = data.decode().split("|")
            if version != VERSION:
                raise ValueError(version)
            return cls(kid, number, name, subject, int(level),
                       datetime.datetime.strptime(issued, "%Y%m%d").date())  # fmt: skip
        except (UnicodeDecodeError, ValueError) as error:
            raise BadToken(f"malformed payload: {error}") from None


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        raise BadToken("not base64url") from None
    # Only the canonical spelling: a last character whose unused bits differ decodes to the
    # same bytes, and an edited QR code must never pass as the original.
    if b64(data) != text:
        raise BadToken("not canonical base64url")
    return data


def sign(payload: Payload, key: Ed25519PrivateKey) -> str:
    data = payload.encode()
    return f"{b64(data)}.{b64(key.sign(data))}"


def verify(token: str, public_keys: dict[str, Ed25519PublicKey]) -> Payload:
    """The payload, if one of these keys signed exactly these bytes; else BadToken."""
    data_part, dot, signature_part = (token or "").strip().partition(".")
    if not dot or len(token) > 1000:
        raise BadToken("not a signed payload")
    data, signature = unb64(data_part), unb64(signature_part)
    payload = Payload.decode(data)
    key = public_keys.get(payload.kid)
    if key is None:
        raise BadToken(f"unknown key {payload.kid}")
    try:
        key.verify(signature, data)
    except InvalidSignature:
        raise BadToken("signature does not match") from None
    return payload


def public_key_text(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return b64(raw)


def public_key_from_text(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(unb64(text))
