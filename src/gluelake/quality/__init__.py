"""Quality gates between zones (write, audit, then publish)."""
