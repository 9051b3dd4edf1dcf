// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// node tests/k8s/validate.mjs FILE...: every document of every YAML file against the Kubernetes
// API's JSON schemas (the kubernetes-models package: the OpenAPI schemas of the API server,
// compiled with ajv). Prints FILE: document N (KIND NAME): error, and exits 1 on any error.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";

const groups = { v1: core, "apps/v1": apps };
let errors = 0;
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  docs.forEach((doc, i) => {
    const where = `${file}: document ${i + 1}`;
    if (doc.errors.length > 0) {
      console.log(`${where}: YAML: ${doc.errors[0].message}`);
      errors++;
      return;
    }
    const obj = doc.toJS();
    const group = groups[obj?.apiVersion];
    const Model = group?.[obj?.kind];
    if (Model === undefined) {
      console.log(`${where}: unknown apiVersion/kind ${obj?.apiVersion} ${obj?.kind}`);
      errors++;
      return;
    }
    try {
      new Model(obj).validate();
      console.log(`${where} (${obj.kind} ${obj.metadata?.name}): valid`);
    } catch (e) {
      console.log(`${where} (${obj.kind} ${obj.metadata?.name}): ${e.message}`);
      errors++;
    }
  });
}
process.exit(errors === 0 ? 0 : 1);
