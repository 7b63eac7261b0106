"""Read models built from the ledger topic: current state, audit trail, compliance.

``fold`` turns one event into small typed changes (pure, no I/O); ``writer``
applies them to SQL together with the consumer's position, in one transaction.
"""
