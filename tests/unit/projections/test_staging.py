"""``projections.staging``: a batch's changes applied to rows in memory, with the semantics of
the SQL statements they replace, and the few ``executemany`` writes that result.

Pure: rows are "loaded" by handing them to ``Staging``; events are real (driven through a
``Group``) and folded by ``projections.fold``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain import commands as c
from domain.actors import Actor
from domain.aggregates.group import Group
from domain.events.base import LedgerEvent
from projections.changes import Delete, Increment, Insert, Update, Upsert
from projections.fold import fold
from projections.staging import ProjectionError, Staging, TableRows, group_key, touched

pytestmark = pytest.mark.unit

T0 = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
G = {"group_id": "g-1"}
ALICE = {"group_id": "g-1", "member_id": "alice"}
MEMBER = {"group_id": "g-1", "member_id": "alice", "status": "member", "requested_at": None, "since": T0,
          "decided_by": None, "criterion": None}  # fmt: skip
GROUP = {"group_id": "g-1", "slug": "g", "name": "G", "status": "active", "version": 4, "member_count": 2}


def staged(*changes, loaded: dict[str, list[dict]] | None = None) -> Staging:
    """A staging whose loaded rows are ``loaded``, with ``changes`` applied."""
    staging = Staging(touched(changes), loaded or {})
    staging.apply(changes)
    return staging


def writes(staging: Staging) -> list[tuple[str, str, tuple[str, ...], list[dict]]]:
    return [(w.kind, w.table, w.columns, w.rows) for w in staging.writes()]


# -- each change on an absent and on a present row ------------------------------------------


def test_upsert_inserts_an_absent_row_with_the_key_and_values_only():
    staging = staged(Upsert("memberships", ALICE, {"status": "pending", "since": T0}))
    assert staging.rows("memberships").get(("g-1", "alice")) == ALICE | {"status": "pending", "since": T0}
    assert writes(staging) == [("insert", "memberships", ("group_id", "member_id", "since", "status"),
                                [ALICE | {"status": "pending", "since": T0}])]  # fmt: skip


def test_upsert_sets_only_its_values_on_a_present_row():
    staging = staged(Upsert("memberships", ALICE, {"status": "left"}), loaded={"memberships": [MEMBER]})
    assert staging.rows("memberships").get(("g-1", "alice")) == MEMBER | {"status": "left"}
    assert writes(staging) == [("update", "memberships", ("status",), [ALICE | {"status": "left"}])]


def test_upsert_without_values_leaves_a_present_row_alone():
    staging = staged(Upsert("managers", {"group_id": "g-1", "manager_id": "m-1"}),
                     loaded={"managers": [{"group_id": "g-1", "manager_id": "m-1", "since": T0}]})  # fmt: skip
    assert writes(staging) == []


def test_update_and_increment_on_an_absent_row_do_nothing():
    staging = staged(Update("groups", G, {"status": "active"}), Increment("groups", G, "member_count", 1))
    assert staging.rows("groups").get(("g-1",)) is None
    assert writes(staging) == []


def test_update_sets_columns_of_a_present_row():
    staging = staged(Update("groups", G, {"status": "terminated", "version": 5}), loaded={"groups": [GROUP]})
    assert staging.rows("groups").get(("g-1",)) == GROUP | {"status": "terminated", "version": 5}
    assert writes(staging) == [("update", "groups", ("status", "version"),
                                [{"group_id": "g-1", "status": "terminated", "version": 5}])]  # fmt: skip


def test_increment_adds_to_a_present_row():
    staging = staged(Increment("groups", G, "member_count", 1), Increment("groups", G, "member_count", -3),
                     loaded={"groups": [GROUP]})  # fmt: skip
    assert writes(staging) == [("update", "groups", ("member_count",), [{"group_id": "g-1", "member_count": 0}])]


def test_increment_of_null_stays_null_as_in_sql():
    staging = staged(Increment("groups", G, "member_count", 1), loaded={"groups": [GROUP | {"member_count": None}]})
    assert staging.rows("groups").get(("g-1",))["member_count"] is None


def test_delete_removes_a_present_row_and_ignores_an_absent_one():
    bob = {"group_id": "g-1", "manager_id": "bob"}
    staging = staged(Delete("managers", {"group_id": "g-1", "manager_id": "m-1"}), Delete("managers", bob),
                     loaded={"managers": [{"group_id": "g-1", "manager_id": "m-1", "since": T0}]})  # fmt: skip
    assert staging.rows("managers").get(("g-1", "m-1")) is None
    assert writes(staging) == [("delete", "managers", (), [{"group_id": "g-1", "manager_id": "m-1"}])]


def test_inserts_are_appended_in_order_and_never_merged():
    first, second = {"position": 7, "group_id": "g-1"}, {"position": 7, "group_id": "g-1"}
    staging = staged(Insert("audit_trail", first), Insert("audit_trail", second))
    # the same key twice is written twice: the database's constraint refuses the duplicate
    assert writes(staging) == [("insert", "audit_trail", ("group_id", "position"), [first, second])]


# -- sequences on one row -------------------------------------------------------------------


def test_upsert_then_increment_then_update_on_a_new_row_is_one_insert():
    staging = staged(
        Upsert("groups", G, {"slug": "g", "version": 1, "member_count": 0}),
        Increment("groups", G, "member_count", 1),
        Update("groups", G, {"version": 2, "status": "active"}),
    )
    assert writes(staging) == [("insert", "groups", ("group_id", "member_count", "slug", "status", "version"),
                                [G | {"slug": "g", "version": 2, "member_count": 1, "status": "active"}])]  # fmt: skip


def test_increment_of_a_new_row_without_the_column_starts_from_its_default():
    staging = staged(Upsert("groups", G, {"slug": "g"}), Increment("groups", G, "member_count", 1))
    assert staging.rows("groups").get(("g-1",))["member_count"] == 1  # groups.member_count defaults to 0


def test_changes_on_a_loaded_row_update_every_column_they_assigned_once():
    staging = staged(
        Upsert("groups", G, {"status": "requested"}),
        Increment("groups", G, "member_count", 1),
        Update("groups", G, {"status": "active", "version": 5}),
        loaded={"groups": [GROUP]},
    )
    expected = {"group_id": "g-1", "member_count": 3, "status": "active", "version": 5}
    assert writes(staging) == [("update", "groups", ("member_count", "status", "version"), [expected])]


def test_delete_then_upsert_of_a_loaded_row_reinserts_it_from_the_upsert_alone():
    staging = staged(Delete("memberships", ALICE), Upsert("memberships", ALICE, {"status": "pending", "since": T0}),
                     loaded={"memberships": [MEMBER | {"decided_by": "m-1"}]})  # fmt: skip
    row = ALICE | {"status": "pending", "since": T0}  # decided_by is not carried over, as in SQL
    assert staging.rows("memberships").get(("g-1", "alice")) == row
    assert writes(staging) == [
        ("delete", "memberships", (), [ALICE]),
        ("insert", "memberships", ("group_id", "member_id", "since", "status"), [row]),
    ]


def test_update_delete_upsert_of_a_loaded_row_is_a_delete_and_an_insert():
    staging = staged(Update("memberships", ALICE, {"criterion": "x"}), Delete("memberships", ALICE),
                     Upsert("memberships", ALICE, {"status": "pending", "since": T0}),
                     loaded={"memberships": [MEMBER]})  # fmt: skip
    assert [(kind, table) for kind, table, *_ in writes(staging)] == [("delete", "memberships"),
                                                                      ("insert", "memberships")]  # fmt: skip


def test_update_after_delete_does_nothing():
    staging = staged(Delete("memberships", ALICE), Update("memberships", ALICE, {"status": "member"}),
                     Increment("groups", G, "member_count", 1), loaded={"memberships": [MEMBER]})  # fmt: skip
    assert writes(staging) == [("delete", "memberships", (), [ALICE])]


def test_upsert_then_delete_of_a_new_row_writes_nothing():
    staging = staged(Upsert("memberships", ALICE, {"status": "pending", "since": T0}), Delete("memberships", ALICE))
    assert writes(staging) == []


def test_update_then_delete_of_a_loaded_row_only_deletes_it():
    staging = staged(Update("memberships", ALICE, {"status": "left"}), Delete("memberships", ALICE),
                     loaded={"memberships": [MEMBER]})  # fmt: skip
    assert writes(staging) == [("delete", "memberships", (), [ALICE])]


def test_rows_updated_in_different_columns_are_written_by_one_statement_per_shape():
    bob = {"group_id": "g-1", "member_id": "bob"}
    carol = {"group_id": "g-1", "member_id": "carol"}
    loaded = [MEMBER, MEMBER | bob, MEMBER | carol]
    staging = staged(Update("memberships", ALICE, {"status": "left"}), Update("memberships", bob, {"since": T0}),
                     Update("memberships", carol, {"status": "rejected"}), loaded={"memberships": loaded})  # fmt: skip
    assert writes(staging) == [
        ("update", "memberships", ("status",), [ALICE | {"status": "left"}, carol | {"status": "rejected"}]),
        ("update", "memberships", ("since",), [bob | {"since": T0}]),
    ]


def test_new_rows_omitting_different_nullable_columns_share_one_insert_with_nulls():
    bob, carol = {"group_id": "g-1", "member_id": "bob"}, {"group_id": "g-1", "member_id": "carol"}
    staging = staged(
        Upsert("memberships", ALICE, {"status": "member", "since": T0}),
        Upsert("memberships", bob, {"status": "pending", "since": T0, "requested_at": T0}),
        Upsert("memberships", carol, {"status": "rejected", "since": T0, "decided_by": "m-1", "criterion": "c"}),
    )
    nulls = {"requested_at": None, "decided_by": None, "criterion": None}
    assert writes(staging) == [("insert", "memberships", ("criterion", "decided_by", "group_id", "member_id",
                                                          "requested_at", "since", "status"), [
        ALICE | {"status": "member", "since": T0} | nulls,
        bob | {"status": "pending", "since": T0} | nulls | {"requested_at": T0},
        carol | {"status": "rejected", "since": T0} | nulls | {"decided_by": "m-1", "criterion": "c"},
    ])]  # fmt: skip


def test_a_column_whose_omission_the_staging_cannot_state_keeps_its_own_insert():
    meetup, party = {"group_id": "g-1", "gathering": "meetup"}, {"group_id": "g-1", "gathering": "party"}
    staging = staged(Upsert("gatherings", meetup, {"title": "M", "unregistered_attendees": ["x"]}),
                     Upsert("gatherings", party, {"title": "P"}))  # a callable default: left to the insert
    assert [w.rows for w in staging.writes()] == [[meetup | {"title": "M", "unregistered_attendees": ["x"]}],
                                                  [party | {"title": "P"}]]  # fmt: skip
    g2 = {"group_id": "g-2"}
    staging = staged(Upsert("groups", G, {"slug": "g", "member_count": 3}), Upsert("groups", g2, {"slug": "h"}),
                     Upsert("groups", {"group_id": "g-3"}))  # fmt: skip
    # member_count omitted stores its default, 0; slug (NOT NULL, no default) cannot be stated
    assert [w.rows for w in staging.writes()] == [
        [G | {"slug": "g", "member_count": 3}, g2 | {"slug": "h", "member_count": 0}],
        [{"group_id": "g-3", "member_count": 0}],
    ]


# -- what the staging refuses to guess ------------------------------------------------------


def test_a_row_that_was_not_loaded_is_never_taken_for_absent():
    staging = Staging({"groups": {("g-1",)}}, {})
    with pytest.raises(LookupError):
        staging.apply([Update("groups", {"group_id": "g-2"}, {"status": "active"})])
    with pytest.raises(LookupError):
        staging.apply([Update("memberships", ALICE, {"status": "left"})])


def test_a_change_keyed_by_anything_but_the_primary_key_is_refused():
    with pytest.raises(ValueError, match="not its primary key"):
        touched([Update("memberships", {"group_id": "g-1"}, {"status": "left"})])
    with pytest.raises(ValueError, match="not asked for"):
        TableRows("groups", [("g-1",)], [GROUP | {"group_id": "g-2"}])
    with pytest.raises(ValueError, match="sets its primary key"):
        staged(Update("memberships", ALICE, {"member_id": "bob"}), loaded={"memberships": [MEMBER]})


def test_rows_are_written_in_the_order_the_changes_came():
    keys = [f"m-{i}" for i in (5, 1, 9, 3, 7, 2)]
    staging = staged(*(Upsert("managers", {"group_id": "g-1", "manager_id": k}, {"since": T0}) for k in keys))
    (insert,) = staging.writes()
    assert [row["manager_id"] for row in insert.rows] == keys


# -- versions: duplicates and gaps within one batch -----------------------------------------


def group_events(joins: int = 2) -> list[LedgerEvent]:
    """Versions 1 (requested), 2 (approved), 3.. (one member joining each)."""
    oar, at = Actor(id="oar-1", role="oar"), T0
    group = Group.request(c.RequestGroup(
        actor=Actor(id="m-1", role="member"), group="cms", name="CMS alumni", group_type="regional",
        managed_by="alumni", visibility="public", objectives="Keep alumni in touch", proposed_managers=("m-1", "m-2"),
    ), at)  # fmt: skip
    group.approve(c.ApproveGroup(actor=oar, group="cms", reason="objectives are clear"), at + timedelta(minutes=1))
    for j in range(joins):
        group.join(c.JoinGroup(actor=Actor(id=f"a-{j}", role="member"), group="cms"), at + timedelta(minutes=2 + j))
    return list(group.collect_events())


def apply_batch(events: list[LedgerEvent], loaded: dict[str, list[dict]] | None = None) -> tuple[list[bool], Staging]:
    """As ``projections.writer.apply_events`` does, without a database."""
    folded = [(e, 100 + e.originator_version, fold(e, 100 + e.originator_version)) for e in events]
    keys = touched(change for *_, changes in folded for change in changes)
    keys["groups"] |= {group_key(e) for e in events}
    staging = Staging(keys, loaded or {})
    return [staging.apply_event(e, p, changes) for e, p, changes in folded], staging


def audit_versions(staging: Staging) -> list[int]:
    return [w.rows[i]["version"] for w in staging.writes() if w.table == "audit_trail" for i in range(len(w.rows))]


def test_duplicates_within_a_batch_are_ignored_by_the_version_the_batch_reached():
    v1, v2, v3, v4 = group_events()
    applied, staging = apply_batch([v1, v2, v1, v3, v2, v3, v4])
    assert applied == [True, True, False, True, False, False, True]
    assert audit_versions(staging) == [1, 2, 3, 4]
    (groups,) = [w for w in staging.writes() if w.table == "groups"]
    assert (groups.kind, groups.rows[0]["version"], groups.rows[0]["member_count"]) == ("insert", 4, 2)


def test_events_already_projected_are_duplicates_and_the_rest_an_update():
    v1, v2, v3, v4 = group_events()
    group_id = str(v1.originator_id)
    loaded = {"groups": [GROUP | {"group_id": group_id, "version": 3, "member_count": 1}]}
    applied, staging = apply_batch([v1, v2, v3, v4], loaded)
    assert applied == [False, False, False, True]
    assert audit_versions(staging) == [4]
    (groups,) = [w for w in staging.writes() if w.table == "groups"]
    assert groups.kind == "update" and groups.rows[0]["version"] == 4 and groups.rows[0]["member_count"] == 2


def test_a_gap_within_a_batch_is_an_error_naming_the_event():
    v1, v2, v3, v4 = group_events()
    with pytest.raises(ProjectionError) as error:
        apply_batch([v1, v2, v4, v3])
    assert f"event {v4.event_id}" in str(error.value)
    assert "version 4, position 104) arrived before version 3: an event is missing" in str(error.value)


def test_a_first_event_that_is_not_the_request_is_an_error():
    _, v2, *_ = group_events()
    with pytest.raises(ProjectionError, match="version 2, position 102\\) arrived before version 1"):
        apply_batch([v2])


def test_a_group_key_given_by_the_caller_applies_as_the_one_it_derives():
    events = group_events()
    folded = [(e, 100 + e.originator_version, fold(e, 100 + e.originator_version)) for e in events]
    keys = touched(change for *_, changes in folded for change in changes)
    keys["groups"] |= {(str(e.originator_id),) for e in events}
    staging = Staging(keys, {})
    applied = [staging.apply_event(e, p, changes, (str(e.originator_id),)) for e, p, changes in folded]
    expected_applied, expected = apply_batch(events)
    assert applied == expected_applied
    assert staging.writes() == expected.writes()
