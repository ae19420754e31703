"""Random draws that do not depend on the linear-algebra build."""

from __future__ import annotations

import numpy as np
import pytest

from migdip import draws
from migdip.errors import InputError


def _spd(seed: int, n: int = 8) -> np.ndarray:
    a = np.random.default_rng(seed).normal(size=(n, n))
    return a @ a.T + 0.5 * np.eye(n)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cholesky_and_inverse_agree_with_lapack(seed: int) -> None:
    a = _spd(seed)
    assert np.allclose(draws.cholesky(a), np.linalg.cholesky(a), rtol=1e-12, atol=1e-12)
    assert np.allclose(draws.inverse_spd(a) @ a, np.eye(len(a)), atol=1e-10)


def test_draws_use_no_linear_algebra_library(monkeypatch: pytest.MonkeyPatch) -> None:
    """The factor is computed without numpy.linalg, so a machine's LAPACK cannot change it."""
    a = _spd(4)
    expected = draws.multivariate_normal(np.random.default_rng(7), np.zeros(8), a, 50)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("numpy.linalg was called")

    for name in ("cholesky", "svd", "eigh", "inv", "pinv"):
        monkeypatch.setattr(np.linalg, name, refuse)
    again = draws.multivariate_normal(np.random.default_rng(7), np.zeros(8), a, 50)
    assert np.array_equal(expected, again)


def test_draws_have_the_mean_and_covariance_asked_for() -> None:
    cov = np.array([[2.0, 0.6, 0.0], [0.6, 1.0, -0.3], [0.0, -0.3, 0.5]])
    mean = np.array([1.0, -2.0, 0.5])
    x = draws.multivariate_normal(np.random.default_rng(11), mean, cov, 200_000)
    assert np.allclose(x.mean(axis=0), mean, atol=0.01)
    assert np.allclose(np.cov(x.T), cov, atol=0.02)


def test_a_covariance_that_is_not_positive_semidefinite_is_refused() -> None:
    with pytest.raises(InputError, match="not positive semi-definite"):
        draws.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(InputError, match="square matrix"):
        draws.cholesky(np.ones((2, 3)))
    with pytest.raises(InputError, match="finite"):
        draws.cholesky(np.array([[np.nan]]))
