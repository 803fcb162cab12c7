import pytest
from django.core.exceptions import ImproperlyConfigured

from carboncert import settings


def test_envbool_reads_the_usual_spellings_and_refuses_others(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert settings.envbool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "0")
    assert settings.envbool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        settings.envbool("X_FLAG", False)
    monkeypatch.delenv("X_FLAG")
    assert settings.envbool("X_FLAG", True) is True


def test_envsecret_reads_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s3cr3t\n")
    monkeypatch.delenv("X_SECRET", raising=False)
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert settings.envsecret("X_SECRET") == "s3cr3t"


def test_envint_refuses_words(monkeypatch):
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured):
        settings.envint("X_INT", 1)
