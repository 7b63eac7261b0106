"""Bearer-token authentication: the ledger's local issuer, OIDC discovery + JWKS, and the
one verifier both go through (PyJWT)."""
