#!/usr/bin/env python3
"""Validates a waybill provenance record (a bare in-toto Statement, or a DSSE envelope
around one) against the JSON schemas in tool/prov/schemas: the Statement v1 with its
ResourceDescriptors, and the SLSA provenance v1 predicate. Exit 0 when valid, 1 with
every violation printed otherwise, 77 when python3-jsonschema is missing.

usage: validate_record.py SCHEMA_DIR RECORD...
"""
import base64
import warnings
import json
import os
import sys

try:
    import jsonschema
    from jsonschema.validators import Draft202012Validator
except ImportError:
    print("SKIP: python3-jsonschema is not installed")
    sys.exit(77)


warnings.simplefilter("ignore", DeprecationWarning)


def load(path):
    with open(path) as f:
        return json.load(f)


def main():
    schema_dir, records = sys.argv[1], sys.argv[2:]
    schemas = {name: load(os.path.join(schema_dir, name)) for name in
               ("in-toto-statement-v1.json", "slsa-provenance-v1.json", "dsse-envelope.json")}
    store = {s["$id"]: s for s in schemas.values()}
    store.update({name: s for name, s in schemas.items()})

    def validator(name):
        schema = schemas[name]
        resolver = jsonschema.RefResolver(base_uri=schema["$id"], referrer=schema, store=store)
        Draft202012Validator.check_schema(schema)
        return Draft202012Validator(schema, resolver=resolver, format_checker=Draft202012Validator.FORMAT_CHECKER)

    errors = 0
    for path in records:
        record = load(path)
        checks = []
        if "payload" in record:
            checks.append(("DSSE envelope", validator("dsse-envelope.json"), record))
            record = json.loads(base64.b64decode(record["payload"]))
        checks.append(("in-toto Statement v1", validator("in-toto-statement-v1.json"), record))
        if record.get("predicateType") != "https://slsa.dev/provenance/v1":
            print(f"{path}: predicateType is {record.get('predicateType')!r}, not SLSA provenance v1")
            errors += 1
        checks.append(("SLSA provenance v1", validator("slsa-provenance-v1.json"), record.get("predicate", {})))
        for what, v, value in checks:
            found = sorted(v.iter_errors(value), key=lambda e: list(e.absolute_path))
            for e in found:
                where = "/".join(str(p) for p in e.absolute_path)
                print(f"{path}: {what}: at /{where}: {e.message}")
            errors += len(found)
            if not found:
                print(f"ok: {path} is a valid {what}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
