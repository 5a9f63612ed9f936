import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts', 'validate-manifests.mjs');

function validate(args: string[] = []) {
  const run = spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A copy of deploy/k8s and docker-compose.yml with one file edited. */
function brokenCopy(file: string, edit: (text: string) => string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'manifests-'));
  cpSync(path.join(ROOT, 'deploy', 'k8s'), path.join(dir, 'k8s'), { recursive: true });
  cpSync(path.join(ROOT, 'docker-compose.yml'), path.join(dir, 'docker-compose.yml'));
  const target = path.join(dir, file);
  const before = readFileSync(target, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`the edit of ${file} changed nothing`);
  writeFileSync(target, after);
  return {
    dir,
    args: ['--k8s', path.join(dir, 'k8s'), '--compose', path.join(dir, 'docker-compose.yml')],
  };
}

describe('scripts/validate-manifests.mjs', () => {
  it('passes the committed manifests, saying what it checked', () => {
    const run = validate();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('kustomization deploy/k8s/base: 33 objects');
    expect(run.stdout).toContain('kustomization deploy/k8s/overlays/production: 34 objects');
    expect(run.stdout).toContain('docker-compose.yml: 10 services');
    expect(run.stdout).toContain('manifests: no findings');
  });

  it.each([
    {
      breakage: 'a replica count that is not an integer',
      file: 'k8s/base/router.yaml',
      edit: (text: string) =>
        text.replace('revisionHistoryLimit: 5', "replicas: 'two'\n  revisionHistoryLimit: 5"),
      finding: 'Deployment/router: /spec/replicas must be integer',
    },
    {
      breakage: 'a probe on a path the service does not serve',
      file: 'k8s/base/orders.yaml',
      edit: (text: string) => text.replace('path: /ready', 'path: /healthz'),
      finding: 'readinessProbe asks /healthz, which orders does not serve',
    },
    {
      breakage: 'an env var the service does not read',
      file: 'k8s/base/users.yaml',
      edit: (text: string) =>
        text.replace('- name: DATABASE_URL_USERS', '- name: DATABASE_URL_USER'),
      finding: 'env DATABASE_URL_USER is not read by users',
    },
    {
      breakage: 'a Service selecting no Deployment',
      file: 'k8s/base/search.yaml',
      edit: (text: string) =>
        text.replace(
          'spec:\n  selector:\n    app.kubernetes.io/name: search',
          'spec:\n  selector:\n    app.kubernetes.io/name: serch',
        ),
      finding: "Service/search: its selector matches no Deployment's pods",
    },
    {
      breakage: 'an overlay patch of an object that does not exist',
      file: 'k8s/overlays/production/router-scaling.yaml',
      edit: (text: string) => text.replace('name: router', 'name: routr'),
      finding: 'patch targets HorizontalPodAutoscaler/routr',
    },
    {
      breakage: 'an overlay patch that breaks the schema',
      file: 'k8s/overlays/production/users-scaling.yaml',
      edit: (text: string) => text.replace('minReplicas: 3', "minReplicas: 'three'"),
      finding: 'HorizontalPodAutoscaler/users: /spec/minReplicas must be integer',
    },
    {
      breakage: 'a kustomization resource that does not exist',
      file: 'k8s/base/kustomization.yaml',
      edit: (text: string) => text.replace('- search.yaml', '- search.yaml\n  - missing.yaml'),
      finding: 'resource missing.yaml does not exist',
    },
    {
      breakage: 'a compose variable the service does not read',
      file: 'docker-compose.yml',
      edit: (text: string) => text.replace('USERS_URL:', 'USER_URL:'),
      finding: 'service orders: USER_URL is not read by orders',
    },
    {
      breakage: 'a metrics port other than METRICS_PORT',
      file: 'k8s/base/products.yaml',
      edit: (text: string) => text.replace('containerPort: 9464', 'containerPort: 9465'),
      finding: 'port metrics is 9465, but METRICS_PORT is 9464',
    },
    {
      breakage: 'a scrape annotation naming another port',
      file: 'k8s/base/orders.yaml',
      edit: (text: string) =>
        text.replace("prometheus.io/port: '9464'", "prometheus.io/port: '4003'"),
      finding: 'Deployment/orders: prometheus.io/port 4003 is not its metrics port',
    },
    {
      breakage: 'a Service in front of the metrics port',
      file: 'k8s/base/search.yaml',
      edit: (text: string) => text.replace('targetPort: http', 'targetPort: metrics'),
      finding: 'Service/search: exposes the metrics port',
    },
  ])('fails on $breakage', ({ file, edit, finding }) => {
    const copy = brokenCopy(file, edit);
    try {
      const run = validate(copy.args);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(finding);
    } finally {
      rmSync(copy.dir, { recursive: true, force: true });
    }
  });
});
