"""Where a running development broker is advertised (``var/dev-broker.json``), read without
importing a Kafka client: every embedded write asks whether one runs, most often none does."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from infra.settings import Settings


def broker_file(settings: Settings) -> Path:
    return settings.var_dir / "dev-broker.json"


def running_dev_broker(settings: Settings) -> str | None:
    """The address of a development broker started from this var dir, if it still runs."""
    try:
        info = json.loads(broker_file(settings).read_text())
        os.kill(info["pid"], 0)
    except (OSError, ValueError, KeyError):
        return None
    return info["bootstrap_servers"]
