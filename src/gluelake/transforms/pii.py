"""PII masking with built-in Spark functions only, one policy per contract column.

Applied before anything reaches bronze, quarantine or a log line. ``hash`` is keyed
HMAC-SHA256 (equal to Python's ``hmac``): the same key gives the same token, so joins
across tables and zones still work, while nobody without the key can recompute it.
"""

from __future__ import annotations

import hashlib
import re
from typing import get_args

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from gluelake.columns import RAW_FIELDS, RAW_TEXT, RECORD_ORDER, RESCUED
from gluelake.contracts.model import DatasetContract, PiiKind, PiiPolicy
from gluelake.contracts.privacy import DEFAULT_PERSONAL_FIELD_NAMES
from gluelake.errors import ConfigError

REDACTED = "[REDACTED]"
_BLOCK = 64  # SHA-256 block size in bytes

# Every pattern is linear in the text's length: a match may start only where a run of
# its characters starts (the look-behinds), and every repetition has an upper bound, so
# a 5 MB token without spaces costs what 5 MB of prose costs (no quadratic backtracking).
# Order matters: emails first, card-like numbers before phone numbers (which would also
# match them), names last (their cue words may precede a phone number).
SCRUB_RULES: tuple[tuple[str, str], ...] = (
    # RFC 5321 bounds: 64 characters before the @, 63 per domain label.
    (r"(?U)(?<![\w.%+-])[\w.%+-]{1,64}@(?:[\w-]{1,63}\.){1,8}[A-Za-z]{2,63}", "[EMAIL]"),
    # 16 digits in groups of 4 (or 4-6-5): not dates, ids or epoch timestamps.
    (r"(?<![\d-])(?:\d{4}([ -]?)\d{4}\1\d{4}\1\d{4}|\d{4}[ -]?\d{6}[ -]?\d{5})(?![\d-])", "[CARD]"),
    # International: +CC and 7-15 digits (E.164), with spaces, dots, dashes, brackets.
    (r"(?<![\w+])\+\d(?:[ ().-]{0,3}\d){6,14}(?!\d)", "[PHONE]"),
    # National with a trunk 0 (EU: 0612345678, 0151-12345678, 030 1234567, 06 12 34 56 78,
    # (030) 1234567, 0049 151 1234567), 9-17 digits; dates and times have too few.
    (r"(?<![\w.,+/:-])\(?0\d(?:[ ./)-]{0,2}\d){7,15}(?![\w/:-]|[.,]\d)", "[PHONE]"),
    # North America: (212) 555-0187, 212-555-0187, 1-800-555-0199.
    (r"(?<![\w.+-])(?:1[ .-])?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}(?![\w.-])", "[PHONE]"),
    # A capitalised name after a cue word or title ("contact: Jane Doe", "Herr Müller").
    (
        r"(?U)(?<!\w)((?:(?i:contact(?: person)?|name[ds]?|attn|ask for|call|signed by|"
        r"submitted by|entered by|ansprechpartner(?:in)?|kontakt(?:person)?|herr|frau|"
        r"interlocuteur|nom|contacto|nombre|referente|contatto|naam|contactpersoon|"
        r"mr|mrs|ms|dr|mme|mlle|sr|sra|dhr|mevr)\.?(?: ?[:=-])? {1,3}){1,2})"
        r"\p{Lu}[\p{L}'\u2019-]{0,40}(?: \p{Lu}[\p{L}'\u2019-]{0,40}){0,3}(?![\p{L}'\u2019-])",
        "$1[NAME]",
    ),
)


def personal_field_pattern(names: tuple[str, ...]) -> str:
    """One case-insensitive regex for a personal-field-name list: a name matches an entry
    when one of its words (split at ``_``, ``-``, ``.`` and spaces) is the entry, or, for
    entries of 4 characters or more, when it contains the entry ("username")."""
    escaped = sorted({re.escape(n.lower()) for n in names if n}, key=lambda n: (-len(n), n))
    words = "|".join(escaped)
    longer = "|".join(n for n in escaped if len(n.replace("\\", "")) >= 4)
    pattern = rf"(?iU)(?:^|[_\W])(?:{words})(?:[_\W]|$)"
    return f"{pattern}|{longer}" if longer else pattern


PERSONAL_FIELD_NAME = personal_field_pattern(DEFAULT_PERSONAL_FIELD_NAMES)
AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 17, "0-17"),
    (18, 24, "18-24"),
    (25, 34, "25-34"),
    (35, 44, "35-44"),
    (45, 54, "45-54"),
    (55, 64, "55-64"),
    (65, None, "65+"),
)


def hmac_pads(key: bytes) -> tuple[str, str]:
    """Inner and outer HMAC pads as hex. As secret as the key: the session redacts
    128-hex-character strings from plans for this reason."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key).hex(), bytes(b ^ 0x5C for b in key).hex()


def hmac_sha256(value: Column, key: bytes) -> Column:
    """Hex HMAC-SHA256 of the value's UTF-8 text; null stays null."""
    inner_pad, outer_pad = hmac_pads(key)
    text = F.encode(value.cast("string"), "UTF-8")
    inner = F.unhex(F.sha2(F.concat(F.unhex(F.lit(inner_pad)), text), 256))
    return F.sha2(F.concat(F.unhex(F.lit(outer_pad)), inner), 256)


def redact(value: Column) -> Column:
    return F.when(value.isNotNull(), F.lit(REDACTED))


def mask_email(value: Column) -> Column:
    """``***@domain``; text without a usable domain is redacted."""
    text = value.cast("string")
    return F.when(
        text.rlike(r"^[^@]+@[^@]+$"), F.concat(F.lit("***@"), F.substring_index(text, "@", -1))
    ).when(text.isNotNull(), F.lit(REDACTED))


def partial(value: Column, keep_last: int) -> Column:
    """Every character but the last ``keep_last`` becomes ``*``; a value no longer than
    ``keep_last`` is masked whole, since keeping it would reveal all of it."""
    text = value.cast("string")
    stars = F.regexp_replace(text, r"(?s).", "*")
    if keep_last == 0:
        return stars
    kept = F.regexp_replace(text, rf"(?s).(?=.{{{keep_last}}})", "*")
    return F.when(F.length(text) > keep_last, kept).otherwise(stars)


def age_band(value: Column) -> Column:
    age = F.when(
        value.cast("string").rlike(r"^\s*\d+\s*$"), F.trim(value.cast("string")).cast("int")
    )
    band = F.when(age.isNull() & value.isNotNull(), F.lit(REDACTED))
    for low, high, label in AGE_BANDS:
        cond = age >= low if high is None else age.between(low, high)
        band = band.when(cond, F.lit(label))
    return band


def month_of(value: Column, *, keep_date_type: bool) -> Column:
    day = F.to_date(value)
    if keep_date_type:
        return F.trunc(day, "month")
    return F.when(day.isNotNull(), F.date_format(day, "yyyy-MM")).when(
        value.isNotNull(), F.lit(REDACTED)
    )


def ipv4_network(value: Column) -> Column:
    text = value.cast("string")
    octets = r"^(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}$"
    return F.when(text.rlike(octets), F.regexp_replace(text, octets, "$1.0/24")).when(
        text.isNotNull(), F.lit(REDACTED)
    )


def scrub(value: Column) -> Column:
    """Replace emails, card-like numbers and phone numbers inside longer text."""
    out = value.cast("string")
    for pattern, token in SCRUB_RULES:
        out = F.regexp_replace(out, pattern, token)
    return out


def mask(
    value: Column, policy: PiiPolicy, key: bytes | None, *, type_text: str = "string"
) -> Column:
    """One column's value under its policy (``drop`` is handled by the caller)."""
    match policy.kind:
        case "hash":
            if key is None:
                raise ConfigError(
                    f"policy 'hash' ({policy.pii_class}) needs a PII key; none was given"
                )
            return F.when(value.isNotNull(), hmac_sha256(value, key))
        case "redact" | "drop":
            return redact(value)
        case "mask_email":
            return mask_email(value)
        case "partial":
            return partial(value, policy.keep_last)
        case "scrub":
            return scrub(value)
        case "generalize":
            if policy.generalize_to == "age_band":
                return age_band(value)
            if policy.generalize_to == "month":
                return month_of(value, keep_date_type=type_text == "date")
            return ipv4_network(value)
    raise ConfigError(
        f"unknown PII policy {policy.kind!r} ({policy.pii_class}); "
        f"expected one of {list(get_args(PiiKind))}"
    )


def _mask_raw_text(text: Column, contract: DatasetContract) -> Column:
    """Mask a record that could not be parsed. JSON: the values of personal-data keys
    (quoted, unquoted or cut off at the end of the line), then anything scrub finds.
    CSV: fields have no names without a parse, so the record is withheld whole."""
    if contract.source.format == "csv":
        return F.concat(
            F.lit("[withheld: unparseable csv record of "), F.length(text), F.lit(" characters]")
        )
    out = text
    for col in contract.pii_columns:
        # The key double-, single- or un-quoted; the value quoted, bare, or cut off.
        out = F.regexp_replace(
            out,
            rf"""(["']?{col.name}["']?\s*:\s*)(?:"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|[^,}}\s]*)""",
            f'$1"{REDACTED}"',
        )
    return scrub(out)


def mask_unknown_field(
    name: Column, value: Column, personal_names: str = PERSONAL_FIELD_NAME
) -> Column:
    """A field the contract does not declare is unclassified: redact it when its name
    suggests personal data (``personal_names``: a regex from ``personal_field_pattern``),
    scrub contact details out of it otherwise."""
    return F.when(name.rlike(personal_names), F.lit(REDACTED)).otherwise(scrub(value))


def mask_pii(
    df: DataFrame,
    *,
    contract: DatasetContract,
    key: bytes | None,
    record_for: Column | None = None,
) -> DataFrame:
    """Mask every personal-data column, the rescued-data column and the raw record text
    (kept for quarantine) according to the contract.

    ``record_for``: the rows that keep their masked record (and its ordering hash); the
    others get null. A stage passes its quarantine condition: rebuilding and hashing the
    record costs more than the rest of the masking, and only quarantined rows keep it."""
    pii = contract.pii_columns
    masked = {
        c.name: mask(F.col(c.name), c.pii, key, type_text=c.type)
        for c in pii
        if c.pii is not None and c.pii.kind != "drop"
    }
    fields = F.col(RAW_FIELDS)
    known = {c.name for c in contract.columns}
    personal_names = personal_field_pattern(
        contract.personal_field_names or DEFAULT_PERSONAL_FIELD_NAMES
    )
    drop = [c.name for c in pii if c.pii is not None and c.pii.kind == "drop"]
    # Typed: an empty array() is array<null>. (A placeholder name would drop a field named so.)
    dropped = F.array(*[F.lit(n) for n in drop]).cast("array<string>")

    def mask_field(k: Column, v: Column) -> Column:
        out = F.when(~k.isin(list(known)), mask_unknown_field(k, v, personal_names))
        for c in pii:
            if c.pii is not None:
                out = out.when(k == c.name, mask(v, c.pii, key, type_text="string"))
        return out.otherwise(v)

    kept = F.transform_values(
        F.map_filter(fields, lambda k, _: ~F.array_contains(dropped, k)), mask_field
    )
    record = F.when(fields.isNotNull(), F.to_json(kept)).otherwise(
        _mask_raw_text(F.col(RAW_TEXT), contract)
    )
    if RESCUED in df.columns:
        declared = F.array(*[F.lit(n) for n in sorted(known)])
        unknown = F.map_filter(kept, lambda k, _: ~F.array_contains(declared, k))
        # Only where enforcement rescued something: the map functions run uncompiled.
        masked[RESCUED] = F.when(F.col(RESCUED).isNotNull(), F.to_json(unknown))
    # The field map and the original text still hold personal values: neither may outlive
    # this step. The record's hash only orders identical masked records (see quarantine).
    order = F.sha2(F.col(RAW_TEXT), 256)
    if record_for is not None:
        record, order = F.when(record_for, record), F.when(record_for, order)
    return df.withColumns({**masked, RECORD_ORDER: order, RAW_TEXT: record}).drop(*drop, RAW_FIELDS)
