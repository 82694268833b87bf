"""Validate JSON against the BRP Personen OpenAPI fixture, with its discriminators enforced.

openapi-schema-validator does not follow `discriminator` mappings: a `{"type": "Datum"}` without
`datum` would pass as an AbstractDatum. So each schema with a discriminator is rewritten before
validation: its own properties move to `<name>__basis` (what the subtypes' allOf point to), and
the schema itself becomes "basis + type is one of the mapping + if type == X then the X schema".
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC = Path(__file__).resolve().parents[1] / "fixtures" / "brp-openapi.yaml"
URN = "urn:loket:brp-openapi"
PREFIX = "#/components/schemas/"


def _rewrite(spec: dict[str, Any]) -> dict[str, Any]:
    spec = copy.deepcopy(spec)
    schemas: dict[str, Any] = spec["components"]["schemas"]
    abstract = {name: s for name, s in schemas.items() if isinstance(s, dict) and "discriminator" in s}
    for name, schema in abstract.items():
        mapping: dict[str, str] = schema["discriminator"]["mapping"]
        prop = schema["discriminator"]["propertyName"]
        basis = {k: v for k, v in schema.items() if k != "discriminator"}
        schemas[f"{name}__basis"] = basis
        for target in mapping.values():
            sub = schemas[target.removeprefix(PREFIX)]
            for part in sub.get("allOf", []):
                if part.get("$ref") == PREFIX + name:
                    part["$ref"] = PREFIX + f"{name}__basis"
        schemas[name] = {
            "allOf": [
                {"$ref": PREFIX + f"{name}__basis"},
                {"properties": {prop: {"enum": sorted(mapping)}}, "required": [prop]},
                *(
                    {
                        "if": {"properties": {prop: {"const": value}}, "required": [prop]},
                        "then": {"$ref": ref},
                    }
                    for value, ref in mapping.items()
                ),
            ]
        }
    return spec


@cache
def _registry() -> Registry:
    spec = _rewrite(yaml.safe_load(SPEC.read_text(encoding="utf-8")))
    return Registry().with_resource(URN, Resource.from_contents(spec, default_specification=DRAFT202012))


def schema_errors(instance: Any, schema_name: str) -> list[Any]:
    """Every validation error of `instance` against components/schemas/<schema_name>."""
    validator = OAS31Validator({"$ref": f"{URN}#/components/schemas/{schema_name}"}, registry=_registry())
    return list(validator.iter_errors(instance))


def response_schema(status: int) -> str:
    """The schema of a problem answer (components/responses/<status>)."""
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    ref: str = spec["components"]["responses"][str(status)]["content"]["application/problem+json"]["schema"]["$ref"]
    return ref.removeprefix(PREFIX)
