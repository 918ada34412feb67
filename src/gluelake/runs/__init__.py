"""Run records and the tamper-evident audit log they are chained into. Plain Python: no
Spark, no storage (``gluelake.io.audit_log`` stores entries)."""
