"""Read models made by an older release (a column added since) are refused with a clear
message naming the columns and the way out (replay), never written half-compatible."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine

from bootstrap import build_projection_engine
from infra.migrations.schema import SchemaOutOfDate
from infra.settings import Settings

pytestmark = pytest.mark.integration


def test_read_models_of_an_older_release_are_refused_naming_what_is_missing(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'readmodels.sqlite'}"
    old = MetaData()
    Table("groups", old, Column("group_id", String(36), primary_key=True), Column("slug", String(64)),
          Column("version", Integer))  # fmt: skip
    engine = create_engine(url)
    old.create_all(engine)
    engine.dispose()
    settings = Settings(var_dir=tmp_path / "var", _env_file=None)
    with pytest.raises(SchemaOutOfDate, match=r"older release \(missing groups\.[a-z_]+.*oar-ledger replay --into"):
        build_projection_engine(settings, url)


def test_current_read_models_open(tmp_path) -> None:
    settings, url = Settings(var_dir=tmp_path / "var", _env_file=None), f"sqlite:///{tmp_path / 'rm.sqlite'}"
    build_projection_engine(settings, url).dispose()
    build_projection_engine(settings, url).dispose()  # twice: the tables it made are current
