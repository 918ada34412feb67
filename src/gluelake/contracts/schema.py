"""The contract format as JSON Schema, generated from the model's dataclasses so it cannot
drift from what ``contracts.load`` accepts. Field metadata says where the YAML differs
from the model: ``yaml`` (another key name), ``schema`` (another shape), ``internal``
(not written by users)."""

from __future__ import annotations

import dataclasses
import json
import types
from decimal import Decimal
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from gluelake.contracts.model import DatasetContract

SCHEMA_ID = "https://gluelake.dev/schemas/contract.schema.json"


def _type_schema(tp: Any) -> dict[str, Any]:
    origin = get_origin(tp)
    if origin is Literal:
        return {"enum": list(get_args(tp))}
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        return (
            _type_schema(options[0])
            if len(options) == 1
            else {"anyOf": [_type_schema(a) for a in options]}
        )
    if origin is tuple:
        args = get_args(tp)
        return {"type": "array", "items": _type_schema(args[0])}
    if dataclasses.is_dataclass(tp):
        return _object(tp)
    simple = {str: "string", int: "integer", bool: "boolean", float: "number", Decimal: "number"}
    if tp in simple:
        return {"type": simple[tp]}
    raise TypeError(f"no JSON Schema for {tp!r}")


def _object(cls: Any) -> dict[str, Any]:
    hints = get_type_hints(cls)
    props: dict[str, Any] = {}
    required: list[str] = []
    for f in dataclasses.fields(cls):
        meta = f.metadata
        if meta.get("internal"):
            continue
        key = meta.get("yaml", f.name)
        schema = dict(meta["schema"]) if "schema" in meta else _type_schema(hints[f.name])
        if meta.get("doc"):
            schema["description"] = meta["doc"]
        props[key] = schema
        if (
            f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING
            and not meta.get("optional")
        ):
            required.append(key)
    for key, schema in (getattr(cls, "__yaml_extra__", None) or {}).items():
        props[key] = schema
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if cls.__doc__:
        out["description"] = " ".join(cls.__doc__.split())
    if required:
        out["required"] = required
    return out


def contract_schema() -> dict[str, Any]:
    schema = _object(DatasetContract)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "gluelake dataset contract", **schema}  # fmt: skip


def render() -> str:
    return json.dumps(contract_schema(), indent=2, sort_keys=False) + "\n"
