"""Quality gates between zones (write–audit–publish)."""
