"""gluelake: medallion data-lake ETL on PySpark and AWS Glue 5.1, driven by dataset contracts."""

__version__ = "0.1.0"
