"""Flows: four rooms.

- ``engine``: the flow engine itself: the route network, routing, policy levers, the day step,
  runs vectorised over ensembles (locally or on Ray), scenario files and their runner.
- ``flee``: the input format of the agent-based code Flee: the case reader (with Flee's quirks),
  the model that runs a case on the engine, Flee's scoring and out.csv, the suite report.
- ``routes``: monthly crossings by route: the route model, route and corridor scenarios, deal
  terms, series hygiene, the forecasters and their rolling-origin benchmark.
- ``impact``: what deals did: the estimators (the validated forecaster's counterfactual, ITS),
  the placebo study, checks of the Atlas's before/after figures, and the report sections.

Each room imports only from the rooms listed before it (and from outside ``flows``).
"""
