"""Policy packs: the rules of an institution's guidelines, each citing its clause.

A group records which pack governs it (``GroupRequested.policy_pack``); aggregates
ask that pack to enforce the rules for each command. Adding an institution means
adding a pack module and registering it in ``domain.policy.registry``; the CERN
rules are not touched.
"""
