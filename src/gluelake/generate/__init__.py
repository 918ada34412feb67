"""Deterministic sample data with the flaws real sources have. Same seed, same bytes."""
