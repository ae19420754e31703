"""Property-based fuzzing of every operation against the OpenAPI document (schemathesis).

Schemathesis generates requests from the document (valid and invalid parameters and bodies) and
checks each response: no server error, a documented status code, a documented content type and
a body that matches the documented schema, and that invalid input is refused. The one check left
out is "schema-valid input must be accepted": rules across parameters (a year range whose start
is after its end) and about the data (a country code with no data) cannot be written in OpenAPI,
and the API answers them with a 400 error envelope by design.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from migdip.api import Settings, create_app

EXAMPLES = 20


@pytest.fixture(scope="module")
def fuzz_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    app = create_app(Settings(warehouse=tmp_path_factory.mktemp("fuzz") / "w.duckdb"))
    yield schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    app.state.migdip.close()


def test_every_operation_conforms_to_the_openapi_document(fuzz_schema: object) -> None:
    failures: list[str] = []
    operations = 0
    for result in fuzz_schema.get_all_operations():  # type: ignore[attr-defined]
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert operations >= 30
    assert not failures, "\n\n".join(failures)
