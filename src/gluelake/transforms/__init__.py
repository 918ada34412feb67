"""Pure ``DataFrame -> DataFrame`` transforms (and ``Column -> Column`` helpers), configured
from the dataset contract. None of them reads or writes a path or runs a Spark action.
The framework's own column names come from :mod:`gluelake.columns`."""
