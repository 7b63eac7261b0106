"""A pack-version module whose text is cited without a usable fingerprint: importing it fails
(``Citation`` checks itself), and the ``policy_pack_versions`` setting naming it must be
refused at start naming the setting (tests/unit/infra/test_policy_pack_setting.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from domain.policy.sources import Citation
from support_packs.illustrative_cern_v2 import PACK_V2

PACK = replace(
    PACK_V2,
    version="3",
    effective_from=date(2027, 1, 1),
    source=Citation(title="Guidelines", version="2027", publisher="OAR", address="https://alumni.cern", sha256="tbd"),
)
