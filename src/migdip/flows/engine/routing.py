"""Shortest routes from every place to every sink, with what happens along them.

For the day's open network, each (place, sink) pair gets: the generalised distance people weigh
(km plus lever costs), the physical km (for travel time), the chance of getting through
interceptions, and the chance of surviving the crossing. Along-path products are computed for all
pairs at once by pointer jumping on the shortest-path trees (log-space sums).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from migdip.flows.engine.levers import DayState
from migdip.flows.engine.network import Network

MIN_WEIGHT_KM = 1.0


@dataclass(frozen=True)
class Routing:
    gen_dist: NDArray[np.float64]  # (n, n_sinks) generalised distance; inf where unreachable
    km: NDArray[np.float64]  # (n, n_sinks) physical distance along the chosen route
    pass_prob: NDArray[np.float64]  # (n, n_sinks) not intercepted on the way
    alive_prob: NDArray[np.float64]  # (n, n_sinks) survives the crossings


def _dense(n: int, edges: NDArray[np.int64], values: NDArray[np.float64]) -> NDArray[np.float64]:
    out = np.zeros((n, n))
    out[edges[:, 0], edges[:, 1]] = values
    out[edges[:, 1], edges[:, 0]] = values
    return out


def _path_sums(pred: NDArray[np.int32], weights: NDArray[np.float64]) -> NDArray[np.float64]:
    """For each (source s, node v): the sum of ``weights`` over the tree path s -> v.

    ``weights`` is (k, n, n): k edge attributes; returns (k, S, n).
    """
    k = weights.shape[0]
    rows = np.arange(pred.shape[0])[:, None]
    ptr = pred.astype(np.int64)
    valid = ptr >= 0
    safe = np.where(valid, ptr, 0)
    cols = np.arange(pred.shape[1])[None, :]
    acc = np.where(valid[None], weights[:, safe, cols], 0.0)
    while valid.any():
        nxt = np.where(valid, ptr, 0)
        acc = acc + np.where(valid[None], acc[:, rows, nxt], 0.0)
        ptr = np.where(valid, ptr[rows, nxt], -9999)
        valid = ptr >= 0
    assert acc.shape[0] == k
    return acc


def route(net: Network, state: DayState) -> Routing:
    """Shortest generalised routes from every place to every sink on the day's open network."""
    n = net.n
    open_edges = net.edges[state.edge_open]
    weight = np.maximum(net.distance + state.edge_cost, MIN_WEIGHT_KM)[state.edge_open]
    graph = csr_matrix(
        (
            np.concatenate([weight, weight]),
            (
                np.concatenate([open_edges[:, 0], open_edges[:, 1]]),
                np.concatenate([open_edges[:, 1], open_edges[:, 0]]),
            ),
        ),
        shape=(n, n),
    )
    gen, pred = dijkstra(graph, directed=True, return_predecessors=True)
    km = _dense(n, net.edges, net.distance)
    with np.errstate(divide="ignore"):
        log_pass = _dense(n, net.edges, -np.log1p(-np.minimum(state.interception, 1 - 1e-12)))
        log_alive = _dense(n, net.edges, -np.log1p(-np.minimum(state.death_risk, 1 - 1e-12)))
    sums = _path_sums(pred, np.stack([km, log_pass, log_alive]))
    sinks = net.sinks
    return Routing(
        gen_dist=gen[:, sinks],
        km=sums[0][:, sinks],
        pass_prob=np.exp(-sums[1][:, sinks]),
        alive_prob=np.exp(-sums[2][:, sinks]),
    )
