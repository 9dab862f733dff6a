"""X3: schemathesis over every endpoint of the API finds no server error, and every
refusal comes in the API's error shape.

Generated requests run in-process against the WSGI app, as the cast's legal
representative; the organization in the path is the cast's, so that requests
get past the access check and reach the services. Each operation gets a few
derandomized examples of valid and of invalid input, to keep the suite fast and
repeatable.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from accounts.tokens import api_token_create
from gestor.wsgi import application

EXAMPLES_PER_OPERATION = 15


# Messages of pydantic and django-ninja: every API error must be our own, translated one.
FOREIGN = (
    *("Input should", "Field required", "String should", "Value should", "Value error"),
    *("Cannot parse", "Unprocessable", "Not Found", "Method Not Allowed", "Unauthorized"),
)


def _foreign_message(text: str) -> bool:
    return any(phrase in text for phrase in FOREIGN)


@pytest.fixture
def keep_the_test_connection():  # type: ignore[no-untyped-def]
    # As Django's test client does: requests must not close the connection that
    # holds the test's transaction (PostgreSQL would lose it between requests).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("keep_the_test_connection")
@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda m: m.value)
def test_no_server_error_on_any_endpoint(cast, mode):  # type: ignore[no-untyped-def]
    _token, raw = api_token_create(user=cast.legal_rep.user, name="fuzz")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    tags = {tag for operation in operations for tag in operation.tags or []}
    assert tags >= {  # every app's router is in the schema
        "account",
        "organizations",
        "catalog",
        "products",
        "prepaid account",
        "invoices and payments",
        "shop",
    }
    failures: list[str] = []

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):  # type: ignore[no-untyped-def]
            if case.path_parameters and "org_id" in case.path_parameters:
                case.path_parameters["org_id"] = cast.org.pk
            response = case.call(headers={"Authorization": f"Bearer {raw}"})
            if response.status_code >= 500 or (
                response.status_code >= 400
                and ("error" not in response.json() or _foreign_message(response.text))
            ):
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query!r} {getattr(case, 'body', None)!r}: "
                    f"{response.status_code} {response.text[:300]}"
                )

        run()
    assert not failures, "\n".join(failures)
