// The public gateway benchmark's shape (graphql-hive/graphql-gateways-benchmark,
// "federation"): four subgraphs answering fixed data, one deep query, served
// through (a) the stock @apollo/gateway in Apollo Server, (b) this router
// with subgraph-fetch de-duplication, (c) without it and (d) without it
// forked once per core (ROUTER_WORKERS=auto). Each answer is checked against
// a reference first; then the targets are loaded in turn, a, b, c, d, a, b …,
// `runs` times, and the medians and router/stock ratios printed, with the
// router's memory after each run as a leak check.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { referenceAnswer } from '../gateway/reference.mjs';
import { composeSupergraph } from '../gateway/subgraphs.mjs';
import { GATEWAY_QUERY } from '../gateway/test-query.mjs';
import { loadProcess } from '../lib/load.mjs';
import { COLUMNS, markdownTable, median, medianRow, ratio } from '../lib/report.mjs';
import { freePort } from '@shop/platform';
import { graphql, root, runtimeOf, startProcess, versionOf } from '../lib/stack-process.mjs';
import { eventually, metricsOf, sampleIfAny, sampleOf } from '@shop/testing';

/** The same for every target; enough to keep a Node gateway's one core busy. */
const CONNECTIONS = 50;
/** Unmeasured load per target before the first run, so every one is measured warm. */
const WARMUP_SECONDS = 3;
/** Idle time after a run before the router's memory is read, for the leak check. */
const SETTLE_MS = 2_000;
/** Growth over the last three runs above this share counts as a possible leak. */
const LEAK_TOLERANCE = 0.1;

/**
 * Every target runs with the V8 heap flags of the router's image
 * (Dockerfile's NODE_OPTIONS): V8 otherwise sizes the heap for this 24 GiB
 * machine and lets it grow far past what is alive, and its young generation
 * is sized for the image's rate. The stock gateway, and the baseline's
 * routers, get the same flags, so all are measured alike.
 */
const HEAP_FLAGS = ['--max-old-space-size=512', '--max-semi-space-size=64'];
const ROUTER = ['router/dist/main.js'];
/**
 * The query's estimated cost is above the router's default limit, and one
 * load generator on one address is far above any per-client rate: both
 * limits are off, as the stock gateway has neither.
 */
const ROUTER_ENV = {
  NODE_ENV: 'development',
  LOG_LEVEL: 'warn',
  MAX_COST: '0',
  RATE_LIMIT_PER_SECOND: '0',
};
const TARGETS = [
  {
    name: 'stock gateway',
    script: ['bench/gateway/stock-gateway.mjs'],
    path: '/',
    // Without Apollo's usage reports, as the router runs: this network reaches no Apollo.
    env: { APOLLO_TELEMETRY_DISABLED: 'true' },
  },
  {
    name: 'router',
    script: ROUTER,
    path: '/graphql',
    env: { ...ROUTER_ENV, SUBGRAPH_DEDUPLICATION: 'true' },
  },
  {
    name: 'router, no dedup',
    script: ROUTER,
    path: '/graphql',
    env: { ...ROUTER_ENV, SUBGRAPH_DEDUPLICATION: 'false' },
  },
  {
    // Its CPU and memory are those of the primary and every worker, summed.
    name: `router, no dedup, ${availableParallelism()} workers`,
    script: ROUTER,
    path: '/graphql',
    workers: availableParallelism(),
    // Forks without Redis are refused while the sign-in throttle counts in each
    // worker's memory; the benchmark's supergraph has no sign-in to throttle.
    env: {
      ...ROUTER_ENV,
      SUBGRAPH_DEDUPLICATION: 'false',
      ROUTER_WORKERS: 'auto',
      LOGIN_MUTATIONS: '',
    },
  },
];

// The answers hold no such key unless something failed; searching the text
// spares parsing 70 kB per answer in the load generator.
const isErrorText = (raw) => raw.includes('"errors":');

/**
 * The single-process router targets once more, run from another checkout's
 * build (--baseline), which may predate ROUTER_WORKERS.
 */
function baselineTargets(checkout) {
  const script = [path.resolve(checkout, 'router/dist/main.js')];
  return TARGETS.filter((target) => target.script === ROUTER && !target.workers).map((target) => ({
    ...target,
    name: `baseline ${target.name}`,
    script,
    checkout,
  }));
}

/**
 * `cpuProfDir`: each router target (not the stock gateway) writes a V8 CPU
 * profile into a folder of its own there when it stops (`router-no-dedup`,
 * …); `node bench/profile-summary.mjs <folder>` reads them.
 */
export async function gateway({
  seconds = 10,
  runs = 3,
  warmupSeconds = WARMUP_SECONDS,
  baseline,
  cpuProfDir,
} = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'shop-bench-gateway-'));
  const started = [];
  try {
    const subgraphs = await startProcess({
      command: [runtimeOf(root), 'bench/gateway/subgraph-server.mjs'],
      readyLine: /subgraphs at (\S+)/,
    });
    started.push(subgraphs);
    const supergraphPath = path.join(dir, 'supergraph.graphql');
    writeFileSync(supergraphPath, composeSupergraph(subgraphs.url));

    const reference = await referenceAnswer(GATEWAY_QUERY);
    const targets = [];
    for (const target of [...TARGETS, ...(baseline ? baselineTargets(baseline) : [])]) {
      const port = await freePort();
      const profile =
        cpuProfDir && target.script !== TARGETS[0].script
          ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(cpuProfDir, slug(target.name))}`]
          : [];
      // Each checkout on its own runtime (runtimeOf): a baseline from before
      // package.json pinned Node runs on the machine's, as it did then.
      const runtime = runtimeOf(target.checkout ?? root);
      console.log(`gateway: ${target.name} runs on node ${versionOf(runtime)}`);
      const served = await startProcess({
        command: [runtime, ...HEAP_FLAGS, ...profile, ...target.script],
        env: { ...target.env, SUPERGRAPH_PATH: supergraphPath, PORT: String(port) },
        url: `http://127.0.0.1:${port}${target.path}`,
      });
      started.push(served);
      // The port answers once one worker listens; a connection made before the
      // others do would stay on that one for the whole load.
      if (target.workers) await workersServing(served.url, target.workers);
      const before = await subgraphCalls(subgraphs.url);
      await expectReferenceAnswer(target.name, served.url, reference);
      const callsPerQuery = (await subgraphCalls(subgraphs.url)) - before;
      console.log(
        `gateway: ${target.name} makes ${callsPerQuery} subgraph calls for one TestQuery`,
      );
      targets.push({ ...target, served, callsPerQuery, runs: [], memoryAfterMiB: [] });
    }
    console.log(`gateway: all ${targets.length} targets answer exactly as the reference does`);

    const options = { body: { query: GATEWAY_QUERY }, connections: CONNECTIONS, isErrorText };
    for (const { served } of targets) {
      await loadProcess(served, { ...options, seconds: warmupSeconds });
    }
    for (let run = 1; run <= runs; run++) {
      for (const target of targets) {
        const subgraphCpuBefore = subgraphs.cpuSeconds();
        const callsBefore = await subgraphCalls(subgraphs.url);
        const collectionsBefore = await collections(target);
        const row = await loadProcess(target.served, { ...options, seconds });
        Object.assign(
          row,
          collectionsPerRequest(collectionsBefore, await collections(target), row),
        );
        row.subgraphsCpuCores = Number(
          ((subgraphs.cpuSeconds() - subgraphCpuBefore) / seconds).toFixed(2),
        );
        row.subgraphCallsPerRequest = Number(
          (((await subgraphCalls(subgraphs.url)) - callsBefore) / row.requests).toFixed(2),
        );
        await delay(SETTLE_MS);
        target.memoryAfterMiB.push(Math.round(target.served.memoryBytes() / 2 ** 20));
        target.runs.push(row);
        console.log(`gateway run ${run}/${runs} ${target.name}: ${JSON.stringify(row)}`);
      }
    }
    return report(targets, runs, seconds);
  } finally {
    for (const served of started.reverse()) await served.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A target's name as a folder name: "router, no dedup" → "router-no-dedup". */
const slug = (name) => name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();

/** Resolves once `workers` workers serve the router at `url`, as its /metrics counts them. */
async function workersServing(url, workers) {
  await eventually(async () => {
    const serving = sampleOf(await metricsOf(url), 'router_supergraph_info');
    if (serving !== workers) throw new Error(`${serving} of ${workers} workers serve`);
  }, 60_000);
}

/**
 * The garbage collections a router has run so far (its /metrics; for the
 * forked one, all workers'), undefined for the stock gateway, which has no
 * /metrics: major ones and the main thread's pauses. Unlike requests per
 * second, these hardly move with the machine's speed, and under this load
 * a major collection's concurrent marking costs more CPU than its pause shows.
 */
async function collections(target) {
  if (target.path !== '/graphql') return undefined;
  const metrics = await metricsOf(target.served.url);
  // prom-client shows a kind of collection only once one has run: none yet is 0.
  return {
    major: sampleIfAny(metrics, 'nodejs_gc_duration_seconds_count', { kind: 'major' }) ?? 0,
    pauseSeconds: sampleIfAny(metrics, 'nodejs_gc_duration_seconds_sum') ?? 0,
  };
}

/** Major collections per 1,000 requests and pause ms per request over one run. */
function collectionsPerRequest(before, after, { requests }) {
  if (!before || !after || requests === 0) return {};
  return {
    majorGcsPer1000: Number((((after.major - before.major) * 1000) / requests).toFixed(1)),
    gcPauseMsPerRequest: Number(
      (((after.pauseSeconds - before.pauseSeconds) * 1000) / requests).toFixed(3),
    ),
  };
}

/** The calls the benchmark's subgraphs have answered so far. */
async function subgraphCalls(baseUrl) {
  const response = await fetch(`${baseUrl}/calls`);
  return (await response.json()).calls;
}

/** Aborts the scenario unless `url` answers the query exactly as the reference schema does. */
async function expectReferenceAnswer(name, url, reference) {
  const answer = await graphql(url, GATEWAY_QUERY);
  if (!isDeepStrictEqual(answer, reference)) {
    throw new Error(
      `${name} answered differently from the reference at ${firstDifference(answer, reference)}`,
    );
  }
}

/** The path of the first value that differs, and both values there. */
function firstDifference(actual, expected, at = '') {
  if (typeof actual === 'object' && typeof expected === 'object' && actual && expected) {
    for (const key of new Set([...Object.keys(actual), ...Object.keys(expected)])) {
      if (!isDeepStrictEqual(actual[key], expected[key])) {
        return firstDifference(actual[key], expected[key], `${at}.${key}`);
      }
    }
  }
  return `${at || '(root)'}: ${JSON.stringify(actual)?.slice(0, 200)} instead of ${JSON.stringify(expected)?.slice(0, 200)}`;
}

function report(targets, runs, seconds) {
  const rows = targets.map((target) => ({
    name: target.name,
    ...medianRow(target.runs),
    callsPerQuery: target.callsPerQuery,
    callsPerRequest: median(target.runs.map((run) => run.subgraphCallsPerRequest)),
    ...(target.runs[0]?.majorGcsPer1000 !== undefined && {
      majorGcsPer1000: median(target.runs.map((run) => run.majorGcsPer1000)),
      gcPauseMsPerRequest: median(target.runs.map((run) => run.gcPauseMsPerRequest)),
    }),
  }));
  const [stock, ...routers] = rows;
  console.log(
    `\ngateway: medians of ${runs} run(s) of ${seconds} s, ${CONNECTIONS} connections each`,
  );
  console.table(rows, [
    'name',
    ...COLUMNS,
    'callsPerQuery',
    'callsPerRequest',
    'majorGcsPer1000',
    'gcPauseMsPerRequest',
  ]);
  for (const router of routers) {
    console.log(
      `${router.name} / stock: throughput ${ratio(router.rps, stock.rps)}, ` +
        `p95 ${ratio(router.p95, stock.p95)}, p99 ${ratio(router.p99, stock.p99)}, ` +
        `CPU per request ${ratio(router.cpuMsPerRequest, stock.cpuMsPerRequest)}`,
    );
  }
  for (const row of rows.filter((r) => r.name.startsWith('baseline '))) {
    const current = rows.find((r) => r.name === row.name.slice('baseline '.length));
    console.log(
      `${current.name} / ${row.name}: throughput ${ratio(current.rps, row.rps)}, ` +
        `CPU per request ${ratio(current.cpuMsPerRequest, row.cpuMsPerRequest)}, ` +
        `subgraph calls per request ${ratio(current.callsPerRequest, row.callsPerRequest)}`,
    );
  }
  for (const forked of targets.filter((target) => target.workers)) {
    const [row, single] = [forked.name, forked.name.replace(/, \d+ workers$/, '')].map((name) =>
      rows.find((r) => r.name === name),
    );
    console.log(
      `${row.name} / ${single.name}: throughput ${ratio(row.rps, single.rps)}, ` +
        `CPU per request ${ratio(row.cpuMsPerRequest, single.cpuMsPerRequest)}, ` +
        `peak memory ${ratio(row.peakMemoryMiB, single.peakMemoryMiB)}`,
    );
  }
  for (const target of targets.slice(1)) console.log(leakCheck(target));
  console.log(`\n${markdownTable('gateway', rows, runs)}\n`);
  return rows.map((row) => ({ scenario: `gateway: ${row.name}`, ...row }));
}

/** The router's memory (PSS) after each run, and whether the last three keep growing. */
function leakCheck({ name, memoryAfterMiB }) {
  const readings = `${name} RSS after each run: ${memoryAfterMiB.join(', ')} MiB`;
  if (memoryAfterMiB.length < 3) return `${readings} (leak check needs --runs 3 or more)`;
  const [first, second, third] = memoryAfterMiB.slice(-3);
  const growing = first < second && second < third && third > first * (1 + LEAK_TOLERANCE);
  return `${readings}: ${growing ? 'GROWING over the last three runs, a possible leak' : 'no steady growth'}`;
}
