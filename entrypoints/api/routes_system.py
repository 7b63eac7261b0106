"""Liveness, readiness (database, and the broker when one is configured), Prometheus metrics,
and the local issuer's discovery document and JWKS (when the ledger issues its own tokens)."""

from __future__ import annotations

from functools import partial
import socket

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import text

from entrypoints.api.context import context
from entrypoints.api.metrics import metrics
from entrypoints.api.problems import ApiProblem
from entrypoints.api.responses import json_response


def add_system_routes(router: APIRouter) -> None:
    add = partial(router.add_api_route, tags=["system"], methods=["GET"])
    add("/healthz", healthz, summary="The process answers")
    add("/readyz", readyz, summary="Database (and broker, if configured) reachable")
    add("/.well-known/openid-configuration", discovery,
        summary="The local issuer's discovery document")  # fmt: skip
    add("/metrics", metrics, include_in_schema=False)  # Prometheus
    add("/.well-known/jwks.json", jwks, summary="The local issuer's public keys")


def healthz() -> Response:
    return json_response({"status": "ok"})


def readyz(request: Request) -> Response:
    api = context(request)
    checks = {"database": _database(api.ledger.engine)}
    if api.settings.kafka_bootstrap_servers:
        checks["broker"] = _broker(api.settings.kafka_bootstrap_servers)
    ready = all(v == "ok" for v in checks.values())
    return json_response({"status": "ready" if ready else "not ready", "checks": checks}, 200 if ready else 503)


def _database(engine) -> str:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return "ok"
    except Exception as problem:  # noqa: BLE001 - reported, never raised (no URL: it may hold a password)
        return f"unavailable ({type(problem).__name__})"


def _broker(servers: str) -> str:
    """A TCP connection to any bootstrap server within 2 s (a cheap reachability check)."""
    for server in servers.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=2):
                return "ok"
        except (OSError, ValueError):
            continue
    return "unavailable"


def _local_issuer(request: Request):
    issuer = context(request).local_issuer
    if issuer is None:
        raise ApiProblem(404, "not-found", "Not found", "tokens come from the configured OIDC issuer")
    return issuer


def discovery(request: Request) -> Response:
    issuer = _local_issuer(request)
    base = str(request.base_url).rstrip("/")
    return json_response({"issuer": issuer.issuer, "jwks_uri": f"{base}/.well-known/jwks.json",
                          "id_token_signing_alg_values_supported": ["EdDSA"]})  # fmt: skip


def jwks(request: Request) -> Response:
    return json_response(_local_issuer(request).jwks())
