"""Values the ``policy_pack_versions`` setting may wrongly name: each must be refused at
start with an error naming the setting (tests/unit/infra/test_policy_pack_setting.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from domain.policy import cern
from support_packs.illustrative_cern_v2 import PACK_V2

NOT_A_PACK = "CERN-AG §24 (v2, illustrative)"
SAME_VERSION = replace(cern.PACK, effective_from=date(2027, 1, 1), amendment="claims to be v1 again")
SAME_DATE = replace(PACK_V2, version="3", effective_from=cern.PACK.effective_from)
UNDATED = replace(PACK_V2, version="3", effective_from=None)
UNKNOWN_PACK = replace(PACK_V2, name="mit")
UNCITED = replace(PACK_V2, version="3", effective_from=date(2027, 1, 1), source="guidelines-v3.txt")
