"""The signing key: its private half in a file every app server shares (made on first use,
readable by the server's user only), its public half in the database and published, with
every earlier one, at /verify/keys.json."""

import contextlib
import datetime
import functools
import os
import threading

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import transaction

from . import signing
from .models import SigningKey

_lock = threading.Lock()


def _kid_for(key: Ed25519PrivateKey) -> str:
    # Derived from the key itself: every server that reads the same file names it alike.
    return "k" + signing.public_key_text(key.public_key())[:10]


def _write(path, key: Ed25519PrivateKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())  # fmt: skip
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)


@functools.cache
def _load(path: str) -> tuple[str, Ed25519PrivateKey]:
    with open(path, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError(f"{path} is not an Ed25519 private key")
    return _kid_for(key), key


def current() -> tuple[str, Ed25519PrivateKey]:
    """The key that signs new certificates (its public half recorded before first use)."""
    path = settings.CERTIFICATE_KEY_FILE
    with _lock:
        if not path.exists():
            with contextlib.suppress(FileExistsError):  # another process made it first
                _write(path, Ed25519PrivateKey.generate())
    kid, key = _load(str(path))
    _record(kid, key)
    return kid, key


def _record(kid: str, key: Ed25519PrivateKey) -> None:
    if kid not in _recorded:
        with transaction.atomic():
            SigningKey.objects.get_or_create(
                kid=kid, defaults={"public_key": signing.public_key_text(key.public_key())}
            )
        _recorded.add(kid)


_recorded: set[str] = set()


def rotate() -> str:
    """A new private key replaces the file's (the old one is kept beside it, renamed); the
    old public key stays published, so what it signed still verifies."""
    path = settings.CERTIFICATE_KEY_FILE
    if path.exists():
        stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
        path.rename(path.with_name(f"{path.name}.retired-{stamp}"))
    _write(path, Ed25519PrivateKey.generate())
    _load.cache_clear()
    return current()[0]


def public_keys() -> dict:
    """Every key that ever signed, by key id."""
    return {k.kid: signing.public_key_from_text(k.public_key) for k in SigningKey.objects.all()}


def forget() -> None:
    """Tests: another key file, another database."""
    _load.cache_clear()
    _recorded.clear()
