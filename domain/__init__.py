"""The pure domain of the OAR audit ledger.

Aggregates, past-tense events, commands, policy rules with their clauses,
actors and roles, and domain errors. Nothing here touches SQL, Kafka, HTTP,
settings or the wall clock: time always arrives as an argument.
"""
