// Just enough of kustomize to check a tree of kustomizations without the
// binary: read every YAML document, follow each kustomization's resources,
// apply its strategic-merge patches to the objects they name, and rename its
// images — reporting a missing file, a patch whose target does not exist, or
// an image rule no container uses.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml'];
/** The kustomization fields this checker applies; any other would be silently ignored. */
const UNDERSTOOD_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'patches',
  'images',
  'namespace',
  'labels',
]);

/** Every .yaml/.yml file under a directory, sorted. */
export function yamlFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map((entry) => path.join(dir, entry))
    .filter((file) => /\.ya?ml$/.test(file) && statSync(file).isFile())
    .sort();
}

/** The documents of a YAML file (merge keys on), or findings for its syntax errors. */
export function readYaml(file, findings) {
  const documents = parseAllDocuments(readFileSync(file, 'utf8'), { merge: true });
  const objects = [];
  for (const document of documents) {
    for (const error of document.errors) findings.push(`${file}: YAML: ${error.message}`);
    const value = document.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  }
  return objects;
}

export const describe = (object) => `${object?.kind}/${object?.metadata?.name}`;

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isNamed = (item) => isPlainObject(item) && typeof item.name === 'string';

/**
 * A strategic merge as kustomize does it for these manifests: maps merge key
 * by key (null deletes), lists of named items (containers, env, ports,
 * volumes) merge item by item, other lists are replaced.
 */
export function strategicMerge(base, patch) {
  if (Array.isArray(base) && Array.isArray(patch) && base.every(isNamed) && patch.every(isNamed)) {
    const merged = base.map((item) => {
      const update = patch.find((candidate) => candidate.name === item.name);
      return update ? strategicMerge(item, update) : item;
    });
    return [...merged, ...patch.filter((item) => !base.some((old) => old.name === item.name))];
  }
  if (isPlainObject(base) && isPlainObject(patch)) {
    const merged = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete merged[key];
      else merged[key] = key in base ? strategicMerge(base[key], value) : value;
    }
    return merged;
  }
  return patch;
}

function kustomizationFileIn(dir) {
  return KUSTOMIZATION_FILES.map((name) => path.join(dir, name)).find((file) => existsSync(file));
}

export function isKustomization(file) {
  return KUSTOMIZATION_FILES.includes(path.basename(file));
}

/**
 * The objects a kustomization directory yields, with the file each came from,
 * and the files it used (as resources or patches), so a caller can tell
 * which files no kustomization reaches.
 */
export function buildKustomization(dir, findings, used = new Set()) {
  const file = kustomizationFileIn(dir);
  if (!file) {
    findings.push(`${dir}: no kustomization.yaml`);
    return { objects: [], used };
  }
  used.add(file);
  const [kustomization = {}] = readYaml(file, findings);
  for (const field of Object.keys(kustomization)) {
    if (!UNDERSTOOD_FIELDS.has(field)) {
      findings.push(
        `${file}: field "${field}" is not checked by validate-manifests; teach it first`,
      );
    }
  }

  let objects = [];
  for (const resource of kustomization.resources ?? []) {
    const target = path.join(dir, resource);
    if (!existsSync(target)) {
      findings.push(`${file}: resource ${resource} does not exist`);
    } else if (statSync(target).isDirectory()) {
      objects.push(...buildKustomization(target, findings, used).objects);
    } else {
      used.add(target);
      objects.push(...readYaml(target, findings).map((object) => ({ object, file: target })));
    }
  }

  for (const entry of kustomization.patches ?? []) {
    if (!entry.path) {
      findings.push(`${file}: an inline patch; only patch files are checked, so use one`);
      continue;
    }
    const patchFile = path.join(dir, entry.path);
    if (!existsSync(patchFile)) {
      findings.push(`${file}: patch ${entry.path} does not exist`);
      continue;
    }
    used.add(patchFile);
    for (const patch of readYaml(patchFile, findings)) {
      const kind = entry.target?.kind ?? patch.kind;
      const name = entry.target?.name ?? patch.metadata?.name;
      const matches = objects.filter(
        ({ object }) => object.kind === kind && object.metadata?.name === name,
      );
      if (matches.length !== 1) {
        findings.push(`${patchFile}: patch targets ${kind}/${name}, which ${dir} does not define`);
        continue;
      }
      objects = objects.map((candidate) =>
        candidate === matches[0]
          ? {
              object: strategicMerge(candidate.object, patch),
              file: `${candidate.file} + ${patchFile}`,
            }
          : candidate,
      );
    }
  }

  for (const image of kustomization.images ?? []) {
    let usedBy = 0;
    objects = objects.map((entry) => {
      const renamed = renameImage(entry.object, image);
      if (renamed !== entry.object) usedBy += 1;
      return { ...entry, object: renamed };
    });
    if (usedBy === 0) findings.push(`${file}: image ${image.name} is used by no container`);
  }
  return { objects, used };
}

/** An image reference's name and tag (a registry's :port is part of the name). */
function splitImage(image) {
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? [image.slice(0, colon), image.slice(colon + 1)] : [image];
}

function renameImage(object, rule) {
  const containers = object.spec?.template?.spec?.containers;
  if (!Array.isArray(containers)) return object;
  let changed = false;
  const renamed = containers.map((container) => {
    const [name, tag] = splitImage(String(container.image ?? ''));
    if (name !== rule.name) return container;
    changed = true;
    return { ...container, image: `${rule.newName ?? name}:${rule.newTag ?? tag ?? 'latest'}` };
  });
  if (!changed) return object;
  return strategicMerge(object, { spec: { template: { spec: { containers: renamed } } } });
}

/** Directories under root holding a kustomization, each checked as a build of its own. */
export function kustomizationDirs(root) {
  return yamlFiles(root)
    .filter(isKustomization)
    .map((file) => path.dirname(file));
}
