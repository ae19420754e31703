"""Random draws that are the same on every machine.

``Generator.multivariate_normal`` factors the covariance through the linear-algebra library
(SVD by default), whose factor is not unique and differs between BLAS/LAPACK builds: the same
seed then gives other draws, and published intervals drift from machine to machine. Here the
factor is a Cholesky factor computed in plain NumPy arithmetic (unique for a positive definite
matrix), and the draws are that factor applied to standard normals from the seeded generator.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from migdip.errors import InputError


def cholesky(a: NDArray[np.float64], jitter: float = 0.0) -> NDArray[np.float64]:
    """Lower-triangular ``L`` with ``L @ L.T == a`` (Cholesky-Banachiewicz, no LAPACK).

    ``jitter`` (times the largest diagonal element) can be added to the diagonal of a matrix that
    is only semi-definite; a matrix that is not (numerically) positive semi-definite is refused.
    """
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise InputError(f"a covariance must be a square matrix; got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise InputError("a covariance must hold finite numbers only")
    n = a.shape[0]
    scale = float(np.max(np.abs(np.diag(a)))) if n else 0.0
    a = a + np.eye(n) * jitter * max(scale, 1.0)
    low = np.zeros_like(a)
    for i in range(n):
        for j in range(i + 1):
            s = a[i, j] - float(np.sum(low[i, :j] * low[j, :j]))
            if i == j:
                if s <= -1e-9 * max(scale, 1.0):
                    raise InputError("the covariance is not positive semi-definite")
                low[i, i] = np.sqrt(max(s, 0.0))
            else:
                low[i, j] = s / low[j, j] if low[j, j] > 0 else 0.0
    return low


def inverse_spd(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """The inverse of a symmetric positive definite matrix through its Cholesky factor."""
    low = cholesky(a)
    n = low.shape[0]
    inv_low = np.zeros_like(low)
    for i in range(n):
        if low[i, i] <= 0:
            raise InputError("the matrix is singular; its inverse does not exist")
        inv_low[i, i] = 1.0 / low[i, i]
        for j in range(i):
            inv_low[i, j] = -float(np.sum(low[i, j:i] * inv_low[j:i, j])) / low[i, i]
    out: NDArray[np.float64] = inv_low.T @ inv_low
    return out


def multivariate_normal(
    rng: np.random.Generator, mean: NDArray[np.float64], cov: NDArray[np.float64], size: int
) -> NDArray[np.float64]:
    """``size`` draws of N(mean, cov), identical on every machine for one seed."""
    low = cholesky(cov)
    z = rng.standard_normal((size, len(mean)))
    out: NDArray[np.float64] = np.asarray(mean)[None, :] + z @ low.T
    return out
