#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The headroom authors
# SPDX-License-Identifier: Apache-2.0
"""validate_json_schema.py [--lines] SCHEMA DOCUMENT: exit 0 when DOCUMENT is valid against
SCHEMA (the draft its "$schema" names: draft 4 for SARIF 2.1.0, 2020-12 for headroom's own in
docs/schema/), else print every error and exit 1. --lines: DOCUMENT holds one JSON value per line
(the event file), each validated. Uses Debian's python3-jsonschema (scripts/deps.sh test)."""
import json
import sys

import jsonschema

args = sys.argv[1:]
lines = args and args[0] == "--lines"
if lines:
    args = args[1:]
schema = json.load(open(args[0]))
cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
cls.check_schema(schema)
validator = cls(schema)
with open(args[1]) as f:
    documents = [json.loads(l) for l in f if l.strip()] if lines else [json.load(f)]
if not documents:
    print("no document")
    sys.exit(1)
failed = False
for n, document in enumerate(documents, 1):
    for e in sorted(validator.iter_errors(document), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in e.path)
        print(("line %d: " % n if lines else "") + where + ": " + e.message)
        failed = True
sys.exit(1 if failed else 0)
