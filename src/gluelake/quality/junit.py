"""JUnit XML for CI: one test suite per validated table, one test case per expectation.
A failed critical expectation is a failure; a failed warning passes with its details in
``system-out``, so CI shows it without going red."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from gluelake.quality.results import Validation


def render_junit(validations: Sequence[Validation]) -> str:
    root = ET.Element("testsuites", name="gluelake data quality")
    for v in validations:
        suite = ET.SubElement(
            root,
            "testsuite",
            name=v.suite,
            tests=str(len(v.outcomes)),
            failures=str(len(v.failures)),
            errors="0",
            skipped="0",
            timestamp=v.validated_at.isoformat(),
        )
        props = ET.SubElement(suite, "properties")
        for key, value in (("dataset", v.dataset), ("zone", v.zone), ("rows", str(v.row_count))):
            ET.SubElement(props, "property", name=key, value=value)
        for i, o in enumerate(v.outcomes):
            case = ET.SubElement(
                suite, "testcase", classname=v.suite, name=f"{i:02d} {o.label}", time="0"
            )
            if o.blocking:
                failure = ET.SubElement(case, "failure", message=o.describe_failure())
                failure.text = o.describe_failure()
            elif not o.success:
                ET.SubElement(case, "system-out").text = o.describe_failure()
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
