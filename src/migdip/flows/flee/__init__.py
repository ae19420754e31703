"""Flee's case format: reader, model on the engine, scoring, the suite report."""
