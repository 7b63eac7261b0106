"""Past-tense facts recorded in the ledger, one module per aggregate."""
