"""Property-based fuzz of the whole API from its checked-in OpenAPI document
(schemathesis): no 5xx for any generated request, and no 4xx writes an event.

Bounded: a few examples per operation, against one server on SQLite on loopback, as
the OAR (who reaches the deepest checks) with a valid token."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from test_api_support import AUDIENCE, ApiServer, OidcProvider, group_body

from infra.settings import Settings

pytestmark = pytest.mark.integration
schema = schemathesis.openapi.from_path(Path(__file__).resolve().parents[2] / "contracts" / "openapi.json")


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    provider = OidcProvider()
    configured = Settings(var_dir=tmp_path_factory.mktemp("fuzz") / "var", oidc_issuer=provider.issuer,
                          token_audience=AUDIENCE, _env_file=None)  # fmt: skip
    server = ApiServer(configured)
    token = provider.token("oar-1", ("oar-officers",), ttl=3600)
    import httpx

    with httpx.Client(base_url=server.url) as client:  # something to find: one group with a pending request
        manager = {"Authorization": f"Bearer {provider.token('m-1', ttl=3600)}"}
        assert client.post("/groups", json=group_body("cms"), headers=manager).status_code == 201
    yield server, {"Authorization": f"Bearer {token}"}
    server.close()
    provider.close()


@schema.parametrize()
@settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_no_event_from_a_refusal(case, fuzzed) -> None:
    server, headers = fuzzed
    before = server.events_stored()
    response = case.call(base_url=server.url, headers=headers, timeout=20)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
    if response.status_code >= 400:
        assert server.events_stored() == before, (case.method, case.formatted_path, response.status_code)
        content_type = response.headers["content-type"]
        assert str(content_type[0] if isinstance(content_type, list) else content_type).startswith("application/problem+json")
