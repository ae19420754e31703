"""Readmission and legal-pathway terms as engine levers in the route model."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from migdip.data.series import FRONTEX_ROUTE, MAIN_ROUTES
from migdip.errors import InputError
from migdip.flows.routes.model import RouteParams, fit, forecast, from_frontex
from migdip.flows.routes.terms import RouteTerms, forecast_with_terms

ROUTES = [FRONTEX_ROUTE[r] for r in MAIN_ROUTES]


@pytest.fixture(scope="module")
def setup(data_con: duckdb.DuckDBPyConnection):  # type: ignore[no-untyped-def]
    data = from_frontex(data_con, ROUTES)
    return data, fit(data, data.months.index("2022-12"), RouteParams())


def test_no_terms_reproduce_the_plain_forecast(setup) -> None:  # type: ignore[no-untyped-def]
    data, f = setup
    out = forecast_with_terms(data, f, 12, RouteTerms("TUN"))
    assert np.allclose(out.detections, forecast(data, f, 12))
    assert out.returned == 0 and out.legal_arrivals_replacing_departures == 0


@pytest.mark.parametrize("share", [0.0, 0.3, 0.75, 1.0])
def test_readmission_returns_the_agreed_share_of_the_stock(setup, share: float) -> None:  # type: ignore[no-untyped-def]
    data, f = setup
    out = forecast_with_terms(
        data, f, 12, RouteTerms("TUN", readmission=share, without_right_to_stay=10_000)
    )
    assert out.returned == pytest.approx(10_000 * share, rel=1e-9, abs=1e-6)


def test_legal_places_replace_departures_of_the_partners_nationals(setup) -> None:  # type: ignore[no-untyped-def]
    data, f = setup
    plain = forecast(data, f, 12)
    out = forecast_with_terms(data, f, 12, RouteTerms("TUN", legal_places=6_000, substitution=0.5))
    assert out.replaces_departures
    assert out.legal_arrivals_replacing_departures == pytest.approx(3_000, rel=1e-6)
    assert plain.sum() - out.detections.sum() == pytest.approx(3_000, rel=1e-6)
    assert out.legal_places == pytest.approx(6_000)


def test_places_for_a_nationality_outside_the_model_replace_nothing(setup) -> None:  # type: ignore[no-untyped-def]
    data, f = setup
    out = forecast_with_terms(data, f, 12, RouteTerms("ISL", legal_places=1_000))
    assert not out.replaces_departures
    assert np.allclose(out.detections, forecast(data, f, 12))


def test_seeded_runs_count_whole_people_and_repeat(setup) -> None:  # type: ignore[no-untyped-def]
    data, f = setup
    terms = RouteTerms("TUN", readmission=0.5, without_right_to_stay=1_001, legal_places=1_200)
    a = forecast_with_terms(data, f, 12, terms, seed=7)
    b = forecast_with_terms(data, f, 12, terms, seed=7)
    assert a.returned == b.returned and float(a.returned).is_integer()
    assert np.array_equal(a.detections, b.detections)


def test_bad_terms_name_the_field_and_accepted_values(setup) -> None:  # type: ignore[no-untyped-def]
    data, f = setup
    with pytest.raises(InputError, match=r"terms.readmission 1.5; accepted: a share from 0 to 1"):
        forecast_with_terms(data, f, 12, RouteTerms("TUN", readmission=1.5))
    with pytest.raises(InputError, match=r"terms.legal_places -1"):
        forecast_with_terms(data, f, 12, RouteTerms("TUN", legal_places=-1))
