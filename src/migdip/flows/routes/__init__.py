"""Monthly crossings by route: route model, corridors, scenarios, terms, forecasts."""
