"""The database password comes from a file (a Docker secret), never from a default: a missing
or empty file stops the process at start, naming the setting; the password reaches the
connections but never the settings' printed form."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import text

from bootstrap import build_ledger, event_store_env
from infra.settings import Settings

pytestmark = pytest.mark.integration
SECRET = "s3cr:et/p@ss"


def test_a_missing_password_file_is_refused_naming_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="database_password_file") as raised:
        Settings(database_url="postgresql://oar@db/oar", database_password_file=tmp_path / "nope", _env_file=None)
    assert "no such file" in str(raised.value)


def test_an_empty_password_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pw").write_text("\n")
    with pytest.raises(ValidationError, match="empty"):
        Settings(database_url="postgresql://oar@db/oar", database_password_file=tmp_path / "pw", _env_file=None)


def test_the_password_reaches_the_connections_and_nothing_printed(tmp_path: Path) -> None:
    (tmp_path / "pw").write_text(SECRET + "\n")
    settings = Settings(database_url="postgresql://oar@db:5432/oar", database_password_file=tmp_path / "pw",
                        _env_file=None)  # fmt: skip
    assert SECRET not in repr(settings) and SECRET not in str(settings.model_dump())
    assert event_store_env(settings)["POSTGRES_PASSWORD"] == SECRET
    from sqlalchemy.engine import make_url

    assert make_url(settings.connect_url(settings.database_url)).password == SECRET
    assert settings.connect_url("postgresql://other@elsewhere/db") == "postgresql://other@elsewhere/db"


def test_a_ledger_connects_to_postgresql_with_the_password_file(postgres_settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "pw").write_text(SECRET)  # the test server trusts loopback: any password is accepted
    settings = postgres_settings.model_copy(update={"database_password_file": tmp_path / "pw"})
    ledger = build_ledger(settings)
    try:
        with ledger.engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
        assert ledger.engine.url.password == SECRET
    finally:
        ledger.close()
