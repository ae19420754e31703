"""What the bargaining model predicts of an episode, and the structural quantities it predicts
the outcomes from: shared by the estimate (``migdip.bargaining.estimated``) and its
out-of-sample tests (``migdip.bargaining.evaluate``), without either's fitting libraries."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from migdip.bargaining.episodes import Episode
from migdip.bargaining.estimate import SCALE_EUR, Data


def labels(items: list[Episode], target: str) -> list[str | None]:
    """Each episode's recorded class for ``target`` (None: not recorded)."""
    if target == "deal":
        return [None if e.deal is None else "yes" if e.deal else "no" for e in items]
    return [getattr(e, target) for e in items]


def structural_features(st: Any, d: Data, target: str) -> NDArray[np.float64]:
    """The structural quantities an outcome is regressed on: the surplus, the share of what
    the side sought that the Nash package grants, the threat."""
    share = st.destination_share if target != "got_partner" else st.partner_share
    return np.column_stack([np.arcsinh(st.surplus / SCALE_EUR), share, d.threat])
