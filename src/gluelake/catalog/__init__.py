"""The AWS side of the catalog: Glue Data Catalog sync and Athena DDL submission."""
