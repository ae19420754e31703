"""The flow engine: network, routing, levers, the day step, ensembles, scenarios."""
