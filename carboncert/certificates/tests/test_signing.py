"""The QR code's payload: a one-character edit fails, an unknown key fails, a rotated key
still verifies what it signed, offline with the published keys."""

import datetime
import io
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command

from carboncert.certificates import keys, services, signing

from .conftest import passed_candidates

pytestmark = pytest.mark.django_db
ISSUED = datetime.date(2027, 2, 20)


def payload(**changes):
    fields = {"kid": "k1", "number": "2027CE1000001", "name": "张三", "subject": "CE-1",
              "level": 1, "issued_on": ISSUED} | changes  # fmt: skip
    return signing.Payload(**fields)


def test_every_one_character_edit_of_a_token_fails():
    key = Ed25519PrivateKey.generate()
    token = signing.sign(payload(), key)
    public = {"k1": key.public_key()}
    assert signing.verify(token, public) == payload()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for i, ch in enumerate(token):
        if ch == ".":
            continue
        edited = token[:i] + alphabet[(alphabet.index(ch) + 1) % 64] + token[i + 1 :]
        with pytest.raises(signing.BadToken):
            signing.verify(edited, public)


def test_the_payload_signed_by_another_key_or_unknown_key_fails():
    mine, theirs = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    forged = signing.sign(payload(name="李四"), theirs)
    with pytest.raises(signing.BadToken, match="signature"):
        signing.verify(forged, {"k1": mine.public_key()})
    with pytest.raises(signing.BadToken, match="unknown key"):
        signing.verify(signing.sign(payload(kid="k9"), mine), {"k1": mine.public_key()})
    for junk in ("", ".", "abc", "a.b", "€.€", "x" * 2000):
        with pytest.raises(signing.BadToken):
            signing.verify(junk, {"k1": mine.public_key()})


def test_a_certificate_signed_before_a_rotation_still_verifies_offline(december, client, tmp_path):
    sitting, subject = december
    before, after = passed_candidates(2, sitting, subject)
    old = services.issue(before, on=ISSUED)
    new_kid = keys.rotate()
    new = services.issue(after, on=ISSUED)
    assert signing.Payload.decode(signing.unb64(old.token.split(".")[0])).kid != new_kid
    published = client.get("/verify/keys.json").json()
    assert (
        set(published["keys"]) == {k for k in keys.public_keys()} and new_kid in published["keys"]
    )
    keys_file = tmp_path / "keys.json"
    keys_file.write_text(json.dumps(published))
    for certificate in (old, new):
        out = io.StringIO()
        call_command("certificates", "verify", services.qr_url(certificate.token),
                     keys=keys_file, stdout=out)  # fmt: skip
        assert out.getvalue().startswith("VALID") and certificate.number in out.getvalue()
        assert services.check_token(certificate.token).outcome in {"valid", "not_yet"}
    tampered = old.token[:-2] + ("A" if old.token[-2] != "A" else "B") + old.token[-1]
    with pytest.raises(SystemExit):
        call_command("certificates", "verify", tampered, keys=keys_file, stdout=io.StringIO())
    assert services.check_token(tampered).outcome == "forged"


def test_a_new_key_file_is_made_once_and_kept_private(signing_key):
    kid, _ = keys.current()
    assert signing_key.exists() and oct(signing_key.stat().st_mode)[-3:] == "600"
    keys.forget()
    assert keys.current()[0] == kid  # the same file, the same key
