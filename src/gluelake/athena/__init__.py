"""Athena from the contracts: table definitions with partition projection, DDL, the
projection linter and a local runner for Athena (Trino) SQL."""
