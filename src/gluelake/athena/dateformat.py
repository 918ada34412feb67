"""The subset of Java ``DateTimeFormatter`` patterns partition projection uses, for checking
ranges and directory values in Python, and Athena's relative ``NOW±N UNIT`` bounds."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from gluelake.errors import AthenaError

# Longest tokens first: "yyyy" before "yy", "MM" before "M" is not offered (unpadded months).
_TOKENS = (
    ("yyyy", "%Y"), ("yy", "%y"), ("MM", "%m"), ("dd", "%d"), ("HH", "%H"), ("mm", "%M"),
    ("ss", "%S"),
)  # fmt: skip
_RELATIVE = re.compile(r"^NOW(?:([+-])(\d+)(YEARS|MONTHS|WEEKS|DAYS|HOURS|MINUTES|SECONDS))?$")
_UNIT_SECONDS = {"WEEKS": 604800, "DAYS": 86400, "HOURS": 3600, "MINUTES": 60, "SECONDS": 1}


def strftime_pattern(java: str) -> str:
    """Java pattern -> strftime pattern; AthenaError for letters this checker cannot read."""
    out, i = [], 0
    while i < len(java):
        if java[i] == "'":
            end = java.find("'", i + 1)
            if end < 0:
                raise AthenaError(f"date format {java!r}: unterminated quote")
            out.append(java[i + 1 : end].replace("%", "%%") or "'")
            i = end + 1
            continue
        for token, directive in _TOKENS:
            if java.startswith(token, i):
                out.append(directive)
                i += len(token)
                break
        else:
            if java[i].isalpha():
                raise AthenaError(
                    f"date format {java!r}: pattern letter {java[i]!r} is not supported here; "
                    f"use {[t for t, _ in _TOKENS]}"
                )
            out.append(java[i].replace("%", "%%"))
            i += 1
    return "".join(out)


def is_day_or_month_precise(java: str) -> bool:
    """Formats ending at day or month precision need no explicit interval."""
    fmt = strftime_pattern(java)
    return "%H" not in fmt and "%M" not in fmt and "%S" not in fmt and "%m" in fmt


def parse_value(text: str, java: str) -> datetime:
    """A value as Athena generates it: it must parse and print back identically."""
    fmt = strftime_pattern(java)
    try:
        value = datetime.strptime(text, fmt).replace(tzinfo=UTC)
    except ValueError:
        raise AthenaError(f"{text!r} does not match format {java!r}") from None
    if value.strftime(fmt) != text:
        raise AthenaError(
            f"{text!r} is not written as format {java!r} writes it ({value.strftime(fmt)!r})"
        )
    return value


def _shift_months(moment: datetime, months: int) -> datetime:
    total = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(total, 12)
    return moment.replace(year=year, month=month + 1, day=min(moment.day, 28))


def parse_bound(text: str, java: str, now: datetime) -> datetime:
    """A range bound: a value in ``java`` format or ``NOW[+-N UNIT]`` (UTC)."""
    bound = text.strip()
    m = _RELATIVE.match(bound)
    if not m:
        return parse_value(bound, java)
    if m.group(1) is None:
        return now
    amount = int(m.group(2)) * (1 if m.group(1) == "+" else -1)
    unit = m.group(3)
    if unit == "YEARS":
        return _shift_months(now, 12 * amount)
    if unit == "MONTHS":
        return _shift_months(now, amount)
    return now + timedelta(seconds=amount * _UNIT_SECONDS[unit])
