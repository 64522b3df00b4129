"""The API against its own contract, checked by tools nobody here wrote: the OpenAPI document is valid OpenAPI 3
(openapi-spec-validator), and schemathesis, reading the live schema, sends generated requests to every operation
through the WSGI application — no server error, and no answer that breaks the schema, its status codes, media types
or headers. A bounded number of examples per operation keeps this part of `make test` to seconds."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.specs.openapi.checks import positive_data_acceptance

from povertyplan.wsgi import application

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 25

# Loaded when the tests are collected: the schema is generated from the code alone (no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def test_transaction_kept_open():
    """The WSGI application closes the database connection after each request, as a server must; inside a test that
    would close the test's transaction (on PostgreSQL). Django's test client disconnects the same handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_api_schema_is_valid_openapi_3():
    document = json.loads(Client().get("/api/v1/openapi.json").content)
    validate(document)
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/plans", "/api/v1/localities/{slug}", "/api/v1/plans/{slug}/appendices/{code}/rows"} <= set(
        document["paths"]
    )


def test_every_operation_of_the_api_is_a_read():
    document = json.loads(Client().get("/api/v1/openapi.json").content)
    methods = {method for operations in document["paths"].values() for method in operations}
    assert methods == {"get"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_get_no_server_error_and_answers_that_match_the_schema(case, test_transaction_kept_open):
    # Every built-in check but one: "a schema-valid request is accepted" cannot hold for a cursor, which is any
    # string by its type but only the API's own cursors by meaning (a made-up one is refused with 400, on purpose).
    # Identity encoding: the client reads bodies as they are (gzip has its own test, in test_api_http.py).
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, excluded_checks=[positive_data_acceptance])
