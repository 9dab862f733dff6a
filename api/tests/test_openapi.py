"""The API's OpenAPI schema is served at /api/v1/openapi.json without a token."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_is_served_and_lists_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Gestor API"
    assert {"/api/v1/me", "/api/v1/orgs"} <= set(schema["paths"])
    assert "TokenAuth" in schema["components"]["securitySchemes"]


def test_an_unknown_api_path_answers_404_in_json(client):
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
