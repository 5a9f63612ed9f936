// Checks of Kubernetes objects: each against the Kubernetes JSON schema
// (kubernetes-models), and a kustomization's objects against each other and
// against the code (service-facts.mjs): probes on paths the service serves,
// Services and budgets that select a Deployment, env vars the service reads,
// the metrics port where METRICS_PORT puts it and no Service in front of it.
import { describe } from './kustomize.mjs';

const REQUIRED_PROBES = ['livenessProbe', 'readinessProbe'];
const PROBES = ['startupProbe', ...REQUIRED_PROBES];
/** The container port /metrics is served on (METRICS_PORT): scraped in the pod, never behind a Service. */
const METRICS_PORT_NAME = 'metrics';
const SCRAPE_PORT_ANNOTATION = 'prometheus.io/port';

/** Schema errors of one object, as findings; kinds kubernetes-models lacks are findings too. */
export async function schemaFindings(object, where) {
  const apiVersion = String(object.apiVersion ?? '');
  let models;
  try {
    // kubernetes-models/v1, kubernetes-models/apps/v1, …: a module per API group and version.
    models = await import(`kubernetes-models/${apiVersion}`);
  } catch {
    return [`${where}: ${describe(object)}: unknown apiVersion "${apiVersion}"`];
  }
  const Model = models[object.kind];
  if (typeof Model !== 'function') {
    return [`${where}: ${describe(object)}: unknown kind for ${apiVersion}`];
  }
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    const errors = Array.isArray(error.errors) ? error.errors : [{ message: error.message }];
    return errors.map(
      (detail) => `${where}: ${describe(object)}: ${detail.instancePath || '/'} ${detail.message}`,
    );
  }
}

const matchesLabels = (selector, labels) =>
  Object.keys(selector ?? {}).length > 0 &&
  Object.entries(selector).every(([key, value]) => labels?.[key] === value);

const podLabels = (deployment) => deployment.spec?.template?.metadata?.labels ?? {};

/** The container port a probe's or a Service's port (a name or a number) resolves to. */
function containerPort(deployment, port) {
  for (const container of deployment.spec?.template?.spec?.containers ?? []) {
    for (const candidate of container.ports ?? []) {
      if (candidate.name === port || candidate.containerPort === port) return candidate;
    }
  }
  return undefined;
}

/**
 * Cross-checks of one kustomization's objects. `secrets` are the Secret
 * objects found anywhere (templates included), since the real Secret is
 * created outside the repository.
 */
export function crossFindings(entries, services, secrets) {
  const findings = [];
  const byKind = (kind) => entries.filter(({ object }) => object.kind === kind);
  const deployments = byKind('Deployment');
  const configMaps = byKind('ConfigMap');
  /** ConfigMap name → the services that take it whole (envFrom). */
  const configMapReaders = new Map();

  for (const { object: deployment, file } of deployments) {
    const name = describe(deployment);
    const service = services.get(podLabels(deployment)['app.kubernetes.io/name']);
    if (!service) {
      findings.push(`${file}: ${name}: app.kubernetes.io/name names no service of the code`);
      continue;
    }
    for (const container of deployment.spec?.template?.spec?.containers ?? []) {
      const at = `${file}: ${name}: container ${container.name}`;
      for (const port of container.ports ?? []) {
        if (port.name === METRICS_PORT_NAME) {
          const metricsPort = metricsPortOf(container, configMaps);
          if (port.containerPort !== metricsPort) {
            findings.push(
              `${at}: port ${METRICS_PORT_NAME} is ${port.containerPort}, but METRICS_PORT is ${metricsPort ?? 'not set'}`,
            );
          }
        } else if (port.containerPort !== service.port) {
          findings.push(
            `${at}: port ${port.containerPort}, but ${service.name} listens on ${service.port}`,
          );
        }
      }
      for (const probe of PROBES) {
        const check = container[probe];
        if (!check) {
          if (REQUIRED_PROBES.includes(probe)) findings.push(`${at}: no ${probe}`);
          continue;
        }
        const path = check.httpGet?.path;
        if (!service.paths.has(path)) {
          findings.push(`${at}: ${probe} asks ${path}, which ${service.name} does not serve`);
        }
        if (!containerPort(deployment, check.httpGet?.port)) {
          findings.push(`${at}: ${probe} port ${check.httpGet?.port} is no port of the container`);
        }
      }
      if (!container.resources?.requests || !container.resources?.limits) {
        findings.push(`${at}: resources need both requests and limits`);
      }
      for (const variable of container.env ?? []) {
        if (!service.variables.has(variable.name)) {
          findings.push(`${at}: env ${variable.name} is not read by ${service.name}`);
        }
        const ref = variable.valueFrom?.secretKeyRef;
        if (ref && !secrets.some((secret) => hasKey(secret, ref, ['data', 'stringData']))) {
          findings.push(
            `${at}: env ${variable.name} takes key ${ref.key} of Secret ${ref.name}, which no Secret (or template) has`,
          );
        }
        const mapRef = variable.valueFrom?.configMapKeyRef;
        if (mapRef && !configMaps.some(({ object }) => hasKey(object, mapRef, ['data']))) {
          findings.push(
            `${at}: env ${variable.name} takes key ${mapRef.key} of ConfigMap ${mapRef.name}, which is not defined`,
          );
        }
      }
      for (const source of container.envFrom ?? []) {
        const mapName = source.configMapRef?.name;
        if (!mapName) continue;
        if (!configMaps.some(({ object }) => object.metadata?.name === mapName)) {
          findings.push(`${at}: envFrom ConfigMap ${mapName} is not defined`);
        }
        configMapReaders.set(mapName, [...(configMapReaders.get(mapName) ?? []), service]);
      }
    }
    const scrapePort = deployment.spec?.template?.metadata?.annotations?.[SCRAPE_PORT_ANNOTATION];
    if (
      scrapePort !== undefined &&
      containerPort(deployment, Number(scrapePort))?.name !== METRICS_PORT_NAME
    ) {
      findings.push(
        `${file}: ${name}: ${SCRAPE_PORT_ANNOTATION} ${scrapePort} is not its ${METRICS_PORT_NAME} port`,
      );
    }
    for (const kind of ['Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']) {
      const covering = byKind(kind).some(({ object }) => covers(object, deployment));
      if (!covering) findings.push(`${file}: ${name}: no ${kind} for it`);
    }
  }

  for (const { object: configMap, file } of configMaps) {
    const readers = configMapReaders.get(configMap.metadata?.name) ?? [];
    for (const key of Object.keys(configMap.data ?? {})) {
      if (!readers.some((service) => service.variables.has(key))) {
        findings.push(
          `${file}: ${describe(configMap)}: ${key} is read by none of the services that take it`,
        );
      }
    }
  }

  for (const { object: service, file } of byKind('Service')) {
    const selected = deployments.filter(({ object }) =>
      matchesLabels(service.spec?.selector, podLabels(object)),
    );
    if (selected.length === 0) {
      findings.push(`${file}: ${describe(service)}: its selector matches no Deployment's pods`);
    }
    for (const port of service.spec?.ports ?? []) {
      for (const { object } of selected) {
        const target = containerPort(object, port.targetPort ?? port.port);
        if (!target) {
          findings.push(
            `${file}: ${describe(service)}: targetPort ${port.targetPort} is no port of ${describe(object)}`,
          );
        } else if (target.name === METRICS_PORT_NAME) {
          // /metrics names and times every operation: for Prometheus in the cluster, not for callers.
          findings.push(`${file}: ${describe(service)}: exposes the ${METRICS_PORT_NAME} port`);
        }
      }
    }
  }
  for (const { object: autoscaler, file } of byKind('HorizontalPodAutoscaler')) {
    const target = autoscaler.spec?.scaleTargetRef;
    if (
      !deployments.some(
        ({ object }) => target?.kind === 'Deployment' && object.metadata?.name === target.name,
      )
    ) {
      findings.push(
        `${file}: ${describe(autoscaler)}: scales ${target?.kind}/${target?.name}, which is not defined`,
      );
    }
    if ((autoscaler.spec?.minReplicas ?? 1) > autoscaler.spec?.maxReplicas) {
      findings.push(`${file}: ${describe(autoscaler)}: minReplicas exceeds maxReplicas`);
    }
  }
  for (const { object: budget, file } of byKind('PodDisruptionBudget')) {
    if (!deployments.some(({ object }) => covers(budget, object))) {
      findings.push(`${file}: ${describe(budget)}: its selector matches no Deployment's pods`);
    }
  }
  return findings;
}

/** The METRICS_PORT a container gets: from its own env, else from a ConfigMap it takes whole. */
function metricsPortOf(container, configMaps) {
  const own = container.env?.find((variable) => variable.name === 'METRICS_PORT');
  if (own?.value !== undefined) return Number(own.value);
  for (const source of container.envFrom ?? []) {
    const map = configMaps.find(
      ({ object }) => object.metadata?.name === source.configMapRef?.name,
    );
    const value = map?.object.data?.METRICS_PORT;
    if (value !== undefined) return Number(value);
  }
  return undefined;
}

/** Whether a Service, autoscaler or budget is about this Deployment. */
function covers(object, deployment) {
  if (object.kind === 'HorizontalPodAutoscaler') {
    return object.spec?.scaleTargetRef?.name === deployment.metadata?.name;
  }
  const selector =
    object.kind === 'Service' ? object.spec?.selector : object.spec?.selector?.matchLabels;
  return matchesLabels(selector, podLabels(deployment));
}

/** Whether the Secret or ConfigMap is the one referenced and holds the key. */
function hasKey(object, ref, fields) {
  return (
    object.metadata?.name === ref.name && fields.some((field) => ref.key in (object[field] ?? {}))
  );
}
