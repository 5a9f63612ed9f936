// Checks the deployment files against the Kubernetes schemas and the code:
//   node scripts/validate-manifests.mjs [--k8s deploy/k8s] [--compose docker-compose.yml]
// Every YAML document under the k8s folder is parsed; every kustomization is
// built (resources, patches, images) and each resulting object validated
// against its Kubernetes JSON schema (kubernetes-models), then the objects
// are checked against each other and against the code (probes, selectors,
// env var names). The Dockerfile and docker-compose.yml are checked against
// the code too. Prints what it checked; exits 1 on any finding.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { composeFindings, dockerfileFindings } from './manifests/compose-checks.mjs';
import { crossFindings, schemaFindings } from './manifests/kubernetes-checks.mjs';
import {
  buildKustomization,
  isKustomization,
  kustomizationDirs,
  readYaml,
  yamlFiles,
} from './manifests/kustomize.mjs';
import { dockerfileTargets, loadServiceFacts } from './manifests/service-facts.mjs';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    k8s: { type: 'string', default: path.join(root, 'deploy', 'k8s') },
    compose: { type: 'string', default: path.join(root, 'docker-compose.yml') },
  },
});
/** A path as the findings name it: relative to here when below here. */
function show(file) {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative.startsWith('..') ? path.resolve(file) : relative || '.';
}
const k8sDir = show(values.k8s);
const composeFile = show(values.compose);

const findings = [];
const services = loadServiceFacts(root);
const targets = dockerfileTargets(root);
console.log(
  `services in the code: ${[...services.values()].map((s) => `${s.name}:${s.port}`).join(' ')}`,
);

// Dockerfile: a target per service.
findings.push(...dockerfileFindings(root, targets, services));
console.log(`Dockerfile: ${targets.size} stages checked against the services`);

// Kubernetes: every document parses; every kustomization builds and validates.
const files = existsSync(k8sDir) ? yamlFiles(k8sDir) : [];
if (files.length === 0) findings.push(`${k8sDir}: no manifests`);
const documents = files.flatMap((file) =>
  readYaml(file, findings).map((object) => ({ object, file })),
);
const secrets = documents.map(({ object }) => object).filter((object) => object.kind === 'Secret');
const used = new Set();
for (const dir of kustomizationDirs(k8sDir)) {
  const { objects } = buildKustomization(dir, findings, used);
  const built = [];
  for (const { object, file } of objects) built.push(...(await schemaFindings(object, file)));
  built.push(...crossFindings(objects, services, secrets));
  findings.push(...built.map((finding) => `[${dir}] ${finding}`));
  const kinds = new Map();
  for (const { object } of objects) kinds.set(object.kind, (kinds.get(object.kind) ?? 0) + 1);
  const counts = [...kinds].map(([kind, count]) => `${count} ${kind}`).join(', ');
  console.log(`kustomization ${dir}: ${objects.length} objects (${counts})`);
}
// Files no kustomization uses (templates): validated on their own.
const loose = documents.filter(({ file }) => !used.has(file) && !isKustomization(file));
for (const { object, file } of loose) findings.push(...(await schemaFindings(object, file)));
if (loose.length > 0) {
  const names = [...new Set(loose.map(({ file }) => file))];
  console.log(`outside every kustomization, validated alone: ${names.join(', ')}`);
}

// docker-compose.yml.
if (existsSync(composeFile)) {
  const compose = parse(readFileSync(composeFile, 'utf8'), { merge: true });
  findings.push(...composeFindings(composeFile, compose, targets, services));
  console.log(`${composeFile}: ${Object.keys(compose.services ?? {}).length} services`);
} else {
  findings.push(`${composeFile}: missing`);
}

// A file read by two kustomizations reports its syntax errors once.
const unique = [...new Set(findings)];
if (unique.length > 0) {
  console.error(`\n${unique.length} finding(s):`);
  for (const finding of unique) console.error(`  ${finding}`);
  process.exit(1);
}
console.log('manifests: no findings');
