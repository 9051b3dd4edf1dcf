#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The headroom authors
# SPDX-License-Identifier: Apache-2.0
"""validate_json_schema.py SCHEMA DOCUMENT: exit 0 when DOCUMENT is valid against SCHEMA
(JSON Schema draft 4, as the SARIF 2.1.0 schema is), else print every error and exit 1.
Uses Debian's python3-jsonschema (scripts/deps.sh test installs it)."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
document = json.load(open(sys.argv[2]))
validator = jsonschema.Draft4Validator(schema)
errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
for e in errors:
    print("/".join(str(p) for p in e.path) + ": " + e.message)
sys.exit(1 if errors else 0)
