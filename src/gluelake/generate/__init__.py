"""Deterministic sample data with the flaws real sources have. Same seed, same bytes.

The library holds only the machinery (:class:`RawBatch`, :class:`SampleGenerator`, the
loader); the generators of the shipped sample datasets live in the project's ``samples/``."""
