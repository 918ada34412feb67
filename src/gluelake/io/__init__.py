"""The I/O layer: the only code that touches paths and table formats."""
