// npx node bench/gateway/executor-cpu.mjs [--baseline <checkout>] [--seconds N] [--rounds N]
//   [--allocations]
//
// The router's executor alone on the gateway benchmark's TestQuery, without
// de-duplication: no Apollo Server, no load generator on the same process.
// 50 executions in flight (as the bench's 50 connections), each answer
// serialized as the router's stringifier does; CPU time of this process per
// execution (process.cpuUsage: the executor, undici and the collector), so
// the figure moves little with what else runs on the machine, where the
// bench's requests per second move a lot. With --baseline, another
// checkout's built router runs the same, alternating round by round, and
// both answers must be the same text. With --allocations, each checkout
// then runs once more under V8's sampling heap profiler, collected objects
// included: the KiB it allocates per execution, which the collector's work
// follows and which, unlike CPU time, hardly moves with the machine's load.
import { spawn } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from 'graphql';
import { composeSupergraph } from './subgraphs.mjs';
import { GATEWAY_QUERY } from './test-query.mjs';

const option = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : process.argv[index + 1];
};
const SECONDS = Number(option('seconds', 3));
const ROUNDS = Number(option('rounds', 5));
const IN_FLIGHT = 50;
const checkouts = [
  { name: 'this checkout', dir: process.cwd() },
  ...(option('baseline') ? [{ name: 'baseline', dir: path.resolve(option('baseline')) }] : []),
];

function startSubgraphs() {
  const child = spawn(process.execPath, ['bench/gateway/subgraph-server.mjs'], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /subgraphs at (\S+)/.exec(output);
      if (match) resolve({ url: match[1], stop: () => child.kill() });
    });
    child.once('exit', (code) => reject(new Error(`subgraphs exited with ${code}`)));
  });
}

async function executorOf(dir, supergraphSdl) {
  const require = createRequire(path.join(dir, 'router/dist/'));
  const { createGateway } = require('./gateway.js');
  const { createSubgraphHttpClient } = require('./datasources/http-client.js');
  const { createLogger } = require('@shop/platform');
  const setup = createGateway(
    supergraphSdl,
    createSubgraphHttpClient({ timeoutMs: 10_000 }),
    {},
    'executor-cpu-identity-secret-0123456789',
    createLogger('bench', 'silent'),
    { deduplicate: false },
  );
  await setup.loadSchema();
  const document = parse(GATEWAY_QUERY);
  return async () => {
    const result = await setup.executor.execute({
      document,
      operationName: 'TestQuery',
      variables: {},
      identity: { kind: 'anonymous' },
      // Apollo Server hands the router its hash of the query text; without one the executor prints and hashes the document.
      queryHash: 'test-query',
    });
    return `${JSON.stringify(result)}\n`;
  };
}

/** Executions for `seconds`, IN_FLIGHT at a time: CPU ms and wall ms per execution. */
async function load(execute, seconds) {
  const until = performance.now() + seconds * 1000;
  let count = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < until) {
        await execute();
        count++;
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return {
    cpuMs: (used.user + used.system) / 1000 / count,
    wallMs: (performance.now() - start) / count,
  };
}

/** KiB allocated per execution over `seconds` of load, from V8's sampling heap profiler. */
async function allocatedPerExecution(execute, seconds) {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    const until = performance.now() + seconds * 1000;
    let count = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (performance.now() < until) {
          await execute();
          count++;
        }
      }),
    );
    const { profile } = await session.post('HeapProfiler.stopSampling');
    const sizeOf = (node) =>
      node.children.reduce((sum, child) => sum + sizeOf(child), node.selfSize);
    return sizeOf(profile.head) / 1024 / count;
  } finally {
    session.disconnect();
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const subgraphs = await startSubgraphs();
try {
  const supergraphSdl = composeSupergraph(subgraphs.url);
  const targets = [];
  for (const checkout of checkouts) {
    targets.push({ ...checkout, execute: await executorOf(checkout.dir, supergraphSdl) });
  }
  const answers = await Promise.all(targets.map(({ execute }) => execute()));
  if (answers.some((answer) => answer !== answers[0])) {
    throw new Error('the checkouts answer TestQuery differently');
  }
  if (answers[0].includes('"errors"')) throw new Error(`TestQuery failed: ${answers[0]}`);
  for (const target of targets) await load(target.execute, 1);
  const samples = new Map(targets.map(({ name }) => [name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    // Which checkout runs first in a round changes its figure (by 5-15% on a
    // busy machine, either way), so the order alternates.
    for (const target of round % 2 === 1 ? targets : [...targets].reverse()) {
      const sample = await load(target.execute, SECONDS);
      samples.get(target.name).push(sample.cpuMs);
      console.log(
        `round ${round} ${target.name}: ${sample.cpuMs.toFixed(3)} ms CPU, ${sample.wallMs.toFixed(3)} ms wall per execution`,
      );
    }
  }
  const medians = targets.map(({ name }) => [name, median(samples.get(name))]);
  for (const [name, cpuMs] of medians) {
    console.log(`${name}: median ${cpuMs.toFixed(3)} ms CPU per execution (${ROUNDS} rounds)`);
  }
  if (medians.length > 1) {
    console.log(`this checkout / baseline: ${(medians[0][1] / medians[1][1]).toFixed(2)}x CPU`);
  }
  if (process.argv.includes('--allocations')) {
    const allocated = [];
    for (const target of targets) {
      allocated.push(await allocatedPerExecution(target.execute, SECONDS));
      console.log(`${target.name}: ${allocated.at(-1).toFixed(0)} KiB allocated per execution`);
    }
    if (allocated.length > 1) {
      console.log(
        `this checkout / baseline: ${(allocated[0] / allocated[1]).toFixed(2)}x allocated`,
      );
    }
  }
} finally {
  subgraphs.stop();
}
