"""Every column the framework itself adds or relies on: one name, type and meaning each.

Contracts (the tables each zone publishes), transforms (which add the columns) and the
Athena/Glue DDL (which describes them) all read this module, so a column cannot drift
between what is written and what is declared. No Spark imports here.
"""

from __future__ import annotations

# Lineage: which run, job and script version wrote a row, and when that run started.
RUN_ID = "_run_id"
JOB_NAME = "_job_name"
JOB_VERSION = "_job_version"
INGESTED_AT = "_ingested_at"
RUN_LINEAGE: tuple[str, ...] = (RUN_ID, JOB_NAME, JOB_VERSION, INGESTED_AT)

# Bronze: where a record came from, and fields the contract does not declare.
SOURCE_FILE = "_source_file"
RESCUED = "_rescued_data"

# Time partitions derived from the event time (UTC).
YEAR = "year"
MONTH = "month"
DAY = "day"
TIME_PARTS: tuple[str, ...] = (YEAR, MONTH, DAY)

# Versions a dataset with ``history: scd2`` keeps in silver: valid in [valid_from, valid_to),
# either bound open when null; a key's first version starts open.
VALID_FROM = "valid_from"
VALID_TO = "valid_to"
IS_CURRENT = "is_current"
HISTORY: tuple[str, ...] = (VALID_FROM, VALID_TO, IS_CURRENT)

# Quarantine tables: one row per rejected record.
RECORD_ID = "record_id"
REASON_CODES = "reason_codes"
MESSAGE = "message"
RECORD = "record"
QUARANTINE: tuple[str, ...] = (RECORD_ID, REASON_CODES, MESSAGE, RECORD, SOURCE_FILE, *RUN_LINEAGE)

# Raw-file state (``<lake>/_state/<dataset>/raw_files``): one row per raw file a
# raw -> bronze run has taken in, so the next run reads only files it has not seen.
FILE_PATH = "file_path"
FILE_SIZE = "file_size"
FILE_MODIFIED = "file_modified"
FILE_SHA256 = "sha256"
DUPLICATE_OF = "duplicate_of"
PROCESSED_AT = "processed_at"
RAW_FILE_STATE: tuple[str, ...] = (
    FILE_PATH, FILE_SIZE, FILE_MODIFIED, FILE_SHA256, DUPLICATE_OF, RUN_ID, PROCESSED_AT,
)  # fmt: skip

# Working columns the transforms carry between reading raw and selecting a zone's columns;
# none of them is ever written to a table.
RAW_TEXT = "_raw"  # the record's text as received (masked once PII policy ran)
RAW_FIELDS = "_fields"  # its fields by name
REASONS = "_reasons"  # reason codes found so far
MESSAGES = "_messages"  # readable reasons, one per code
FIELD_TEXT = "_text"  # struct: each contract column's value text, trimmed, blank as null
RECORD_ORDER = "_record_order"  # hash of the unmasked text: orders identical masked records
DUPLICATE = "_duplicate"  # a row deduplication drops (another row of its key wins)
GROUP_ROWS = "_group_rows"  # silver rows in a gold group (the group-count check)
MERGE_DELETE = "_merge_delete"  # a MERGE source row that deletes its key (incremental silver)

# Delta's change data feed (``readChangeFeed``) adds these to each changed row; incremental
# runs read the feed of their input tables since the version the last run consumed.
CHANGE_TYPE = "_change_type"  # insert | update_preimage | update_postimage | delete
COMMIT_VERSION = "_commit_version"
COMMIT_TIMESTAMP = "_commit_timestamp"
CHANGE_FEED: tuple[str, ...] = (CHANGE_TYPE, COMMIT_VERSION, COMMIT_TIMESTAMP)

# Contract type of every column written to a table.
TYPES: dict[str, str] = {
    RUN_ID: "string",
    JOB_NAME: "string",
    JOB_VERSION: "string",
    INGESTED_AT: "timestamp",
    SOURCE_FILE: "string",
    RESCUED: "string",
    YEAR: "int",
    MONTH: "int",
    DAY: "int",
    VALID_FROM: "timestamp",
    VALID_TO: "timestamp",
    IS_CURRENT: "boolean",
    RECORD_ID: "string",  # hash of source file + masked record: re-runs add nothing
    REASON_CODES: "array<string>",
    MESSAGE: "string",
    RECORD: "string",
    FILE_PATH: "string",
    FILE_SIZE: "bigint",
    FILE_MODIFIED: "bigint",
    FILE_SHA256: "string",
    DUPLICATE_OF: "string",
    PROCESSED_AT: "timestamp",
}

# What each one means (they reach Athena and Glue as column comments).
DESCRIPTIONS: dict[str, str] = {
    RUN_ID: "Run that wrote the row.",
    JOB_NAME: "Job (stage) that wrote the row.",
    JOB_VERSION: "Version of the job script that wrote the row.",
    INGESTED_AT: "When that run started (UTC).",
    SOURCE_FILE: "Raw file the record came from, relative to the lake root (no scheme).",
    RESCUED: "Fields the contract does not declare, as JSON (personal data masked).",
    YEAR: "Year of the event time (UTC).",
    MONTH: "Month of the event time (UTC), 1-12.",
    DAY: "Day of month of the event time (UTC).",
    VALID_FROM: "Start of this version (delivery date of the snapshot that brought it); "
    "null for a key's first version.",
    VALID_TO: "End of this version (exclusive); null while it is current.",
    IS_CURRENT: "Whether this is the key's current version.",
    RECORD_ID: "Identifies the quarantined record across re-runs.",
    REASON_CODES: "Why the row was quarantined, e.g. cast_failed:quantity.",
    MESSAGE: "Readable reasons; never shows personal data.",
    RECORD: "The record as received, personal data masked.",
    FILE_PATH: "Raw file, relative to the lake root (no scheme).",
    FILE_SIZE: "Its size in bytes when it was taken in.",
    FILE_MODIFIED: "Its last-modified time then (epoch milliseconds).",
    FILE_SHA256: "SHA-256 of its content (hex).",
    DUPLICATE_OF: "The file whose identical content was taken in instead (null: this one).",
    PROCESSED_AT: "When the run that took it in started (UTC).",
}


def typed(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """``(name, contract type)`` pairs for framework columns, in order."""
    return tuple((n, TYPES[n]) for n in names)
