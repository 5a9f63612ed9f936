// Checks of docker-compose.yml and the Dockerfile against the code: a
// Dockerfile target per service running its main and exposing its port, and
// compose services that build those targets, set only variables the service
// reads, health-check a path it serves and depend on services that exist.
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The Dockerfile's targets against the services (service-facts.mjs). */
export function dockerfileFindings(root, targets, services) {
  const findings = [];
  for (const service of services.values()) {
    const target = targets.get(service.name);
    if (!target) {
      findings.push(`Dockerfile: no target ${service.name}`);
      continue;
    }
    if (target.command?.[1] !== service.main) {
      findings.push(
        `Dockerfile: target ${service.name} runs ${target.command?.join(' ')}, not node ${service.main}`,
      );
    }
    const source = service.main.replace('/dist/', '/src/').replace(/\.js$/, '.ts');
    if (!existsSync(path.join(root, source))) {
      findings.push(
        `Dockerfile: target ${service.name} runs ${service.main}, but ${source} does not exist`,
      );
    }
    if (target.exposes !== service.port) {
      findings.push(
        `Dockerfile: target ${service.name} exposes ${target.exposes}, not ${service.port}`,
      );
    }
  }
  return findings;
}

/** environment as a map, whether written as a map or as a list of KEY=value. */
function environmentOf(definition) {
  const environment = definition.environment ?? {};
  if (!Array.isArray(environment)) return environment;
  return Object.fromEntries(environment.map((item) => String(item).split(/=(.*)/s, 2)));
}

/** docker-compose.yml's services against the Dockerfile's targets and the services' code. */
export function composeFindings(file, compose, targets, services) {
  const findings = [];
  const defined = Object.keys(compose.services ?? {});
  for (const [name, definition] of Object.entries(compose.services ?? {})) {
    const at = `${file}: service ${name}`;
    for (const dependency of Object.keys(
      Array.isArray(definition.depends_on)
        ? Object.fromEntries(definition.depends_on.map((item) => [item]))
        : (definition.depends_on ?? {}),
    )) {
      if (!defined.includes(dependency))
        findings.push(`${at}: depends on ${dependency}, which is not defined`);
    }
    if (!definition.build) continue;
    const target = definition.build.target;
    const service = services.get(target);
    if (!targets.has(target) || !service) {
      findings.push(`${at}: builds target ${target}, which is no service's Dockerfile target`);
      continue;
    }
    for (const variable of Object.keys(environmentOf(definition))) {
      if (!service.variables.has(variable)) {
        findings.push(`${at}: ${variable} is not read by ${service.name}`);
      }
    }
    const test = [definition.healthcheck?.test ?? []].flat().join(' ');
    const probe = test.match(/http:\/\/127\.0\.0\.1:(\d+)(\/[\w-]*)/);
    if (!probe) {
      findings.push(`${at}: no healthcheck on http://127.0.0.1:<port>/<path>`);
    } else {
      if (Number(probe[1]) !== service.port) {
        findings.push(
          `${at}: healthcheck asks port ${probe[1]}, but ${service.name} listens on ${service.port}`,
        );
      }
      if (!service.paths.has(probe[2])) {
        findings.push(`${at}: healthcheck asks ${probe[2]}, which ${service.name} does not serve`);
      }
    }
  }
  return findings;
}
