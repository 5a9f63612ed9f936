// What the code says about each service, read from its sources so the
// manifests are checked against the code rather than against a copy of it:
// the environment variables its config module reads, the HTTP paths it
// serves, its default port, and the Dockerfile target that builds it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROUTER_SOURCES = 'router/src';
const ROUTER_CONFIG = 'router/src/config.ts';
const ROUTER_SERVER = 'router/src/server.ts';
const SUBGRAPH_SETTINGS = 'internal/federation/src/server/subgraph-settings.ts';
const SUBGRAPH_SERVER = 'internal/federation/src/server/subgraph-server.ts';
const IDENTITY_SETTINGS = 'internal/identity/src/settings.ts';
const OBSERVABILITY_SETTINGS = 'internal/platform/src/observability/settings.ts';

/** Env-var keys of a zod shape: `NAME:` and `[`${upper}_NAME`]:` (with upper given). */
function shapeKeys(source, upper) {
  const keys = [...source.matchAll(/^\s*([A-Z][A-Z0-9_]+)\s*:/gm)].map((match) => match[1]);
  const templated = [...source.matchAll(/\[`([^`]+)`\]\s*:/g)].map((match) =>
    match[1].replaceAll('${upper}', upper ?? ''),
  );
  return [...keys, ...templated];
}

/**
 * The setting groups of @shop/identity, by name: `export function
 * fooSettings(production) { return { … }; }` (production decides whether its
 * secrets are required), or a plain `export const fooSettings = { … };`.
 */
function identityGroups(root) {
  const source = readFileSync(path.join(root, IDENTITY_SETTINGS), 'utf8');
  const groups = new Map();
  const declarations = [
    /export const (\w+) = \{([\s\S]*?)\n\};/g,
    /export function (\w+)\([^)]*\) \{\n {2}return \{([\s\S]*?)\n {2}\};/g,
  ];
  for (const declaration of declarations) {
    for (const match of source.matchAll(declaration)) groups.set(match[1], shapeKeys(match[2]));
  }
  return groups;
}

/** The keys of @shop/platform's `observabilityVariables` (METRICS_*, OTEL_*), which configs spread. */
function observabilityVariables(root) {
  const source = readFileSync(path.join(root, OBSERVABILITY_SETTINGS), 'utf8');
  const block = source.match(/export const observabilityVariables = \{([\s\S]*?)\n\};/);
  if (!block) throw new Error(`${OBSERVABILITY_SETTINGS}: observabilityVariables not found`);
  return shapeKeys(block[1]);
}

/** Variables a config module reads: its keys and those of the setting groups it spreads. */
function configVariables(root, files, upper) {
  const groups = identityGroups(root);
  const names = new Set();
  for (const file of files) {
    const source = readFileSync(path.join(root, file), 'utf8');
    for (const key of shapeKeys(source, upper)) names.add(key);
    for (const match of source.matchAll(/\.\.\.(\w+Settings)\b/g)) {
      for (const key of groups.get(match[1]) ?? []) names.add(key);
    }
    if (/\.\.\.observabilityVariables\b/.test(source)) {
      for (const key of observabilityVariables(root)) names.add(key);
    }
  }
  return names;
}

/** The router's config module and the `<feature>.settings.ts` files whose variables it composes. */
function routerConfigFiles(root) {
  const settings = readdirSync(path.join(root, ROUTER_SOURCES), { recursive: true })
    .filter((file) => file.endsWith('.settings.ts'))
    .map((file) => path.join(ROUTER_SOURCES, file));
  return [ROUTER_CONFIG, ...settings];
}

/** Paths a server file routes: routes['/x'] = … and routes[CONST] = … with const CONST = '/y'. */
function servedPaths(root, file) {
  const source = readFileSync(path.join(root, file), 'utf8');
  const paths = new Set([...source.matchAll(/routes\['([^']+)'\]\s*=/g)].map((m) => m[1]));
  for (const [, name] of source.matchAll(/routes\[([A-Z_]+)\]\s*=/g)) {
    const constant = source.match(new RegExp(`const ${name} = '([^']+)'`));
    if (constant) paths.add(constant[1]);
  }
  return paths;
}

/** Dockerfile targets with what they run and expose: FROM … AS <target>, CMD, EXPOSE. */
export function dockerfileTargets(root) {
  const file = path.join(root, 'Dockerfile');
  const targets = new Map();
  if (!existsSync(file)) return targets;
  let current;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const from = line.match(/^FROM\s+\S+\s+AS\s+(\S+)/i);
    if (from) {
      current = { name: from[1] };
      targets.set(current.name, current);
    }
    const cmd = line.match(/^CMD\s+(\[.*\])/);
    if (cmd && current) current.command = JSON.parse(cmd[1]);
    const expose = line.match(/^EXPOSE\s+(\d+)/);
    if (expose && current) current.exposes = Number(expose[1]);
  }
  return targets;
}

/**
 * Every service: the router and each subgraph named in DEFAULT_SUBGRAPH_PORTS,
 * with the variables it reads, the paths it serves, its default port and its main.
 */
export function loadServiceFacts(root) {
  const settings = readFileSync(path.join(root, SUBGRAPH_SETTINGS), 'utf8');
  const portsBlock = settings.match(/DEFAULT_SUBGRAPH_PORTS = \{([\s\S]*?)\}/);
  if (!portsBlock) throw new Error(`${SUBGRAPH_SETTINGS}: DEFAULT_SUBGRAPH_PORTS not found`);
  const subgraphPorts = [...portsBlock[1].matchAll(/(\w+):\s*(\d+)/g)].map(([, name, port]) => ({
    name,
    port: Number(port),
  }));

  const routerFiles = routerConfigFiles(root);
  const routerConfig = routerFiles
    .map((file) => readFileSync(path.join(root, file), 'utf8'))
    .join('\n');
  const routerPort = routerConfig.match(/\bPORT:\s*port\((\d+)\)/);
  if (!routerPort) throw new Error(`${ROUTER_SOURCES}: PORT's default not found`);
  const subgraphNames = subgraphPorts.map((subgraph) => subgraph.name.toUpperCase());

  const routerVariables = configVariables(root, routerFiles);
  // SUBGRAPH_URL_<NAME> overrides the routing URL of a subgraph of the supergraph.
  if (routerConfig.includes("'SUBGRAPH_URL_'")) {
    for (const name of subgraphNames) routerVariables.add(`SUBGRAPH_URL_${name}`);
  }
  const services = new Map();
  services.set('router', {
    name: 'router',
    port: Number(routerPort[1]),
    main: 'router/dist/main.js',
    paths: servedPaths(root, ROUTER_SERVER),
    variables: routerVariables,
  });
  const subgraphPaths = servedPaths(root, SUBGRAPH_SERVER);
  for (const { name, port } of subgraphPorts) {
    services.set(name, {
      name,
      port,
      main: `subgraphs/${name}/dist/main.js`,
      paths: subgraphPaths,
      variables: configVariables(
        root,
        [SUBGRAPH_SETTINGS, `subgraphs/${name}/src/config.ts`],
        name.toUpperCase(),
      ),
    });
  }
  return services;
}
