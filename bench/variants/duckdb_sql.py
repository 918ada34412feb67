"""DuckDB doing the same pipeline in SQL on one machine (the single-machine alternative).
Every zone is Parquet (DuckDB has no Delta MERGE); scrub patterns are RE2 approximations
of the framework's (RE2 has no look-around). Each stage reads the previous zone's files."""

from __future__ import annotations

import os
import sys
import uuid
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

sys.path.insert(0, os.path.dirname(__file__))

import common
import duckdb

FIELDS = (
    "tenant_id", "activity_id", "activity_type", "emission_factor_id", "quantity", "unit",
    "timestamp", "source", "submitted_by_email", "submitted_by_name", "notes",
)  # fmt: skip
ACTIVITY_TYPES = ("electricity", "natural_gas", "diesel", "petrol", "air_travel",
                  "rail_travel", "waste_landfill")  # fmt: skip
UNITS = ("Wh", "kWh", "MWh", "GWh", "MJ", "GJ", "therm", "L", "m3", "gal", "g", "kg", "t",
         "lb", "m", "km", "mi")  # fmt: skip
SCRUB = (
    (r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}", r"[EMAIL]"),
    (r"(^|[^\d-])\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}($|[^\d-])", r"\1[CARD]\2"),
    (r"\+\d[\d ().-]{6,}\d($|[^\d])", r"[PHONE]\1"),
    (r"(^|[^\w.-])0\d{2,4} \d{3,4} ?\d{3,4}($|[^\w.-])", r"\1[PHONE]\2"),
    (r"(^|[^\w.-])\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}($|[^\w.-])", r"\1[PHONE]\2"),
)
SIZES = (
    {"Wh": Decimal("0.001"), "kWh": Decimal(1), "MWh": Decimal(1000), "GWh": Decimal(1000000),
     "MJ": Decimal(1) / Decimal("3.6"), "GJ": Decimal(1000) / Decimal("3.6"),
     "therm": Decimal("29.307107017222")},
    {"L": Decimal(1), "m3": Decimal(1000), "gal": Decimal("3.785411784")},
    {"g": Decimal("0.001"), "kg": Decimal(1), "t": Decimal(1000), "lb": Decimal("0.45359237")},
    {"m": Decimal("0.001"), "km": Decimal(1), "mi": Decimal("1.609344")},
)  # fmt: skip


def q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def scrub(expr: str) -> str:
    for pattern, token in SCRUB:
        expr = f"regexp_replace({expr}, {q(pattern)}, {q(token)}, 'g')"
    return expr


def lit_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(q(v) for v in values) + "]"


def issue(cond: str, code: str, message: str) -> str:
    return f"CASE WHEN {cond} THEN {{'code': {q(code)}, 'message': {message}}} END"


def main() -> None:
    ns, clock = common.args(__doc__.splitlines()[0])
    con = duckdb.connect()
    con.execute(
        "SET TimeZone = 'UTC'; SET memory_limit = '4GB'; SET preserve_insertion_order = false"
    )
    tmp = ns.lake / ".duckdb_tmp"
    con.execute(f"SET temp_directory = {q(str(tmp))}")
    clock.mark("session_ready")
    lake, run_id = ns.lake, uuid.uuid4().hex
    now = datetime.now(UTC).replace(microsecond=0)
    for zone in (common.BRONZE, common.BRONZE_FACTORS, common.BRONZE_QUARANTINE, common.SILVER,
                 common.SILVER_QUARANTINE, "gold/emissions"):  # fmt: skip
        (lake / zone).mkdir(parents=True, exist_ok=True)
    lineage = (f"{q(run_id)} AS _run_id, '{{job}}' AS _job_name, 'bench' AS _job_version, "
               f"TIMESTAMP '{now:%Y-%m-%d %H:%M:%S}' AS _ingested_at")  # fmt: skip

    def ts(expr: str) -> str:
        return (
            f"CASE WHEN regexp_full_match(trim({expr}), '-?\\d{{9,10}}') "
            f"THEN make_timestamp(trim({expr})::BIGINT * 1000000) "
            f"WHEN regexp_full_match(trim({expr}), '-?\\d{{12,13}}') "
            f"THEN make_timestamp(trim({expr})::BIGINT * 1000) "
            f"ELSE try_cast(try_cast(trim({expr}) AS TIMESTAMPTZ) AS TIMESTAMP) END"
        )

    def lines(path: str) -> str:
        return (
            f"read_csv({q(str(lake / path) + '/**/*.jsonl')}, columns = {{'line': 'VARCHAR'}}, "
            "delim = '\\x01', quote = '', escape = '', header = false, auto_detect = false, "
            "filename = true, strict_mode = false)"
        )

    with clock.stage("reference"):
        shape = "{" + ", ".join(f'"{n}": "VARCHAR"' for n in (
            "factor_id", "activity_type", "unit", "kg_co2e_per_unit", "scope", "category",
            "valid_from", "valid_to", "source")) + "}"  # fmt: skip
        con.execute(f"""
            COPY (
              SELECT r.factor_id, r.activity_type, r.unit,
                     r.kg_co2e_per_unit::DECIMAL(10,6) AS kg_co2e_per_unit, r.scope::INT AS scope,
                     r.category, {ts("r.valid_from")} AS valid_from,
                     {ts("r.valid_to")} AS valid_to, r.source, filename AS _source_file,
                     {lineage.format(job="raw_to_bronze")}
              FROM (SELECT json_transform(line, {q(shape)}) AS r, filename
                    FROM {lines(common.RAW_FACTORS)})
            ) TO {q(str(lake / common.BRONZE_FACTORS / "data.parquet"))} (FORMAT parquet)""")

    with clock.stage("raw_to_bronze"):
        shape = "{" + ", ".join(f'"{n}": "VARCHAR"' for n in FIELDS) + "}"
        blank = {n: f"nullif(trim(r.{n}), '')" for n in ("quantity", "timestamp")}
        shown = {n: f"'''' || {scrub(f'substring(r.{n}, 1, 40)')} || ''''" for n in FIELDS}
        qty = f"try_cast({blank['quantity']} AS DECIMAL(16,4))"
        checks = [issue("NOT parsed", "malformed_record", "'record could not be parsed'")]
        for n in FIELDS[:7]:
            value = blank.get(n, f"r.{n}")
            checks.append(issue(f"parsed AND {value} IS NULL", f"required_missing:{n}",
                                q(f"{n}: required, missing")))  # fmt: skip
        rules = [
            (f"{blank['quantity']} IS NOT NULL AND {qty} IS NULL", "cast_failed:quantity",
             "quantity: expected decimal(16,4), found ", "quantity"),
            (f"{qty} <> try_cast({blank['quantity']} AS DECIMAL(38,18))", "scale_exceeded:quantity",
             "quantity: expected at most 4 decimal places, found ", "quantity"),
            (f"{blank['timestamp']} IS NOT NULL AND {ts('r.timestamp')} IS NULL",
             "cast_failed:timestamp", "timestamp: expected timestamp, found ", "timestamp"),
            ("NOT regexp_full_match(r.tenant_id, 'tenant-[0-9]{3}')", "pattern_mismatch:tenant_id",
             "tenant_id: expected to match ^tenant-[0-9]{3}$, found ", "tenant_id"),
            (f"NOT list_contains({lit_list(ACTIVITY_TYPES)}, r.activity_type)",
             "not_allowed:activity_type",
             f"activity_type: expected one of {list(ACTIVITY_TYPES)}, found ", "activity_type"),
            ("NOT regexp_full_match(r.emission_factor_id, 'EF-[A-Z0-9-]+')",
             "pattern_mismatch:emission_factor_id",
             "emission_factor_id: expected to match ^EF-[A-Z0-9-]+$, found ", "emission_factor_id"),
            (f"{qty} < 0", "out_of_range:quantity", "quantity: expected >= 0, found ", "quantity"),
            (f"{qty} > 1000000000", "out_of_range:quantity",
             "quantity: expected <= 1000000000, found ", "quantity"),
            (f"NOT list_contains({lit_list(UNITS)}, r.unit)", "not_allowed:unit",
             f"unit: expected one of {list(UNITS)}, found ", "unit"),
            (f"{ts('r.timestamp')} > TIMESTAMP '{now:%Y-%m-%d %H:%M:%S}'",
             "future_timestamp:timestamp",
             f"timestamp: expected a time not after {now.isoformat()}, found ", "timestamp"),
        ]  # fmt: skip
        for cond, code, text, col in rules:
            checks.append(issue(f"parsed AND coalesce({cond}, false)", code,
                                f"{q(text)} || {shown[col]}"))  # fmt: skip
        key = common.PII_KEY.ljust(64, b"\0")
        ipad, opad = bytes(b ^ 0x36 for b in key).hex(), bytes(b ^ 0x5C for b in key).hex()
        email = "r.submitted_by_email"
        hashed = (f"sha256(unhex({q(opad)}) || unhex(sha256(unhex({q(ipad)}) || "
                  f"encode({email}))))")  # fmt: skip
        con.execute(f"""
            CREATE TEMP TABLE checked AS
            SELECT line, _source_file, parsed, r.tenant_id, r.activity_id, r.activity_type,
                   r.emission_factor_id, {qty} AS quantity, r.unit,
                   {ts("r.timestamp")} AS timestamp, r.source,
                   CASE WHEN {email} IS NOT NULL THEN {hashed} END AS submitted_by_email,
                   CASE WHEN r.submitted_by_name IS NOT NULL THEN '[REDACTED]' END
                     AS submitted_by_name,
                   {scrub("r.notes")} AS notes, r.quantity AS quantity_text,
                   r.timestamp AS timestamp_text,
                   list_filter([{", ".join(checks)}], lambda x: x IS NOT NULL) AS issues
            FROM (SELECT line, filename AS _source_file, json_valid(line) AS parsed,
                         CASE WHEN json_valid(line) THEN json_transform(line, {q(shape)}) END AS r
                  FROM {lines(common.RAW)} WHERE trim(line) <> '')""")
        data = ", ".join(FIELDS)
        con.execute(f"""
            COPY (
              SELECT {data}, NULL::VARCHAR AS _rescued_data, _source_file,
                     {lineage.format(job="raw_to_bronze")}
              FROM checked WHERE len(issues) = 0
              QUALIFY row_number() OVER (PARTITION BY tenant_id, activity_id
                                         ORDER BY timestamp DESC, _source_file DESC) = 1
            ) TO {q(str(lake / common.BRONZE / "data.parquet"))} (FORMAT parquet)""")
        sent = {"quantity": "quantity_text", "timestamp": "timestamp_text"}
        record_struct = ", ".join(f"'{n}': {sent.get(n, n)}" for n in FIELDS)
        pii_keys = (r"""(["']?(?:submitted_by_email|submitted_by_name|notes)["']?\s*:\s*)"""
                    r"""(?:"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|[^,}\s]*)""")  # fmt: skip
        unparsed = scrub(f"regexp_replace(line, {q(pii_keys)}, '\\1\"[REDACTED]\"', 'g')")
        con.execute(f"""
            COPY (
              SELECT sha256(_source_file || chr(10) || record || chr(10) ||
                       row_number() OVER (PARTITION BY _source_file, record
                                          ORDER BY sha256(line))::VARCHAR) AS record_id,
                     reason_codes, message, record, _source_file,
                     {lineage.format(job="raw_to_bronze")}
              FROM (SELECT line, _source_file,
                           CASE WHEN parsed THEN to_json({{{record_struct}}})::VARCHAR
                                ELSE {unparsed} END AS record,
                           list_transform(issues, lambda x: x.code) AS reason_codes,
                           array_to_string(list_transform(issues, lambda x: x.message), '; ')
                             AS message
                    FROM checked WHERE len(issues) > 0)
            ) TO {q(str(lake / common.BRONZE_QUARANTINE / "data.parquet"))} (FORMAT parquet)""")
        con.execute("DROP TABLE checked")

    with clock.stage("bronze_to_silver"):
        conv = ", ".join(
            f"({q(a)}, {q(b)}, {(sa / sb).quantize(Decimal('1e-10'), rounding=ROUND_HALF_UP)})"
            for family in SIZES for a, sa in family.items() for b, sb in family.items()
        )  # fmt: skip
        con.execute(f"CREATE TEMP TABLE conv AS SELECT col0 AS from_unit, col1 AS to_unit, "
                    f"try_cast(col2 AS DECIMAL(17,10)) AS factor FROM (VALUES {conv})")  # fmt: skip
        ts_text = "strftime(b.timestamp, '%Y-%m-%dT%H:%M:%SZ')"
        checks = [
            issue("f.factor_id IS NULL", "no_valid_factor:emission_factor_id",
                  "'emission_factor_id: no factor version of ''' || "
                  f"coalesce(b.emission_factor_id, '') || ''' valid at ' || {ts_text}"),
            issue("f.factor_id IS NOT NULL AND f.activity_type <> b.activity_type",
                  "factor_activity_mismatch:activity_type",
                  "'activity_type: factor is for ''' || f.activity_type || ''', activity is ''' "
                  "|| b.activity_type || ''''"),
            issue("f.factor_id IS NOT NULL AND c.factor IS NULL", "unit_not_convertible:unit",
                  "'unit: cannot convert ''' || b.unit || ''' to the factor''s unit ''' "
                  "|| f.unit || ''''"),
        ]  # fmt: skip
        in_unit = "(b.quantity::DECIMAL(38,4) * c.factor::DECIMAL(38,10))::DECIMAL(24,8)"
        con.execute(f"""
            CREATE TEMP TABLE enriched AS
            SELECT b.* EXCLUDE (_run_id, _job_name, _job_version, _ingested_at),
                   f.valid_from AS factor_valid_from, f.unit AS factor_unit, f.kg_co2e_per_unit,
                   {in_unit} AS quantity_in_factor_unit,
                   ({in_unit}::DECIMAL(38,8) * f.kg_co2e_per_unit::DECIMAL(38,6))::DECIMAL(28,6)
                     AS emissions_kg_co2e,
                   f.scope, f.category, day(b.timestamp)::INT AS day,
                   year(b.timestamp)::INT AS year, month(b.timestamp)::INT AS month,
                   list_filter([{", ".join(checks)}], lambda x: x IS NOT NULL) AS issues
            FROM read_parquet({q(str(lake / common.BRONZE / "*.parquet"))}) b
            LEFT JOIN read_parquet({q(str(lake / common.BRONZE_FACTORS / "*.parquet"))}) f
              ON b.emission_factor_id = f.factor_id AND b.timestamp >= f.valid_from
             AND (f.valid_to IS NULL OR b.timestamp < f.valid_to)
            LEFT JOIN conv c ON c.from_unit = b.unit AND c.to_unit = f.unit""")
        con.execute(f"""
            COPY (SELECT * EXCLUDE (issues), {lineage.format(job="bronze_to_silver")}
                  FROM enriched WHERE len(issues) = 0)
            TO {q(str(lake / common.SILVER))} (FORMAT parquet, PARTITION_BY (year, month),
                                               OVERWRITE_OR_IGNORE)""")
        record = "to_json({" + ", ".join(f"'{n}': {n}" for n in (
            *FIELDS, "_rescued_data", "_source_file")) + "})::VARCHAR"  # fmt: skip
        con.execute(f"""
            COPY (SELECT sha256(_source_file || chr(10) || record || chr(10) || '1') AS record_id,
                         reason_codes, message, record, _source_file,
                         {lineage.format(job="bronze_to_silver")}
                  FROM (SELECT {record} AS record, _source_file,
                               list_transform(issues, lambda x: x.code) AS reason_codes,
                               array_to_string(list_transform(issues, lambda x: x.message), '; ')
                                 AS message
                        FROM enriched WHERE len(issues) > 0))
            TO {q(str(lake / common.SILVER_QUARANTINE / "data.parquet"))} (FORMAT parquet)""")
        con.execute("DROP TABLE enriched")

    with clock.stage("silver_to_gold"):
        con.execute(f"""
            CREATE TEMP TABLE monthly AS
            SELECT tenant_id, scope, category, year, month,
                   sum(emissions_kg_co2e) AS total_kg_co2e, count(*) AS record_count,
                   count(DISTINCT activity_type) AS activity_types,
                   min(emissions_kg_co2e) AS min_kg_co2e, max(emissions_kg_co2e) AS max_kg_co2e,
                   avg(emissions_kg_co2e) AS avg_kg_co2e
            FROM read_parquet({q(str(lake / common.SILVER / "**/*.parquet"))},
                              hive_partitioning = true)
            GROUP BY ALL""")
        con.execute(f"""
            COPY (SELECT tenant_id, scope, category, total_kg_co2e, record_count, activity_types,
                         min_kg_co2e, max_kg_co2e, avg_kg_co2e,
                         {lineage.format(job="silver_to_gold")}, year, month FROM monthly)
            TO {q(str(lake / common.GOLD))} (FORMAT parquet, PARTITION_BY (year, month))""")
        con.execute(f"""
            COPY (SELECT m.tenant_id, m.scope, m.category, m.total_kg_co2e,
                         p.total_kg_co2e AS total_kg_co2e_prior_year,
                         m.total_kg_co2e - p.total_kg_co2e AS total_kg_co2e_change,
                         -- as Spark's decimal division: the ratio rounded to 6 places, x 100
                         CASE WHEN p.total_kg_co2e <> 0 THEN round(((m.total_kg_co2e
                              - p.total_kg_co2e) / p.total_kg_co2e)::DOUBLE, 6) * 100
                         END AS total_kg_co2e_change_pct,
                         {lineage.format(job="silver_to_gold")}, m.year, m.month
                  FROM monthly m LEFT JOIN monthly p
                    ON m.tenant_id IS NOT DISTINCT FROM p.tenant_id
                   AND m.scope IS NOT DISTINCT FROM p.scope
                   AND m.category IS NOT DISTINCT FROM p.category
                   AND m.year = p.year + 1 AND m.month = p.month)
            TO {q(str(lake / common.GOLD_YOY))} (FORMAT parquet, PARTITION_BY (year, month))""")
    con.close()


if __name__ == "__main__":
    main()
