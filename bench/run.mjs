// npm run bench [-- --only <scenario>[,<scenario>]] [-- --seconds N] [-- --runs N] [-- --postgres]
//   [-- --cpu-prof <dir>] [-- --baseline <checkout>] [-- --smoke]
// Every scenario loads only 127.0.0.1 and is bounded in time. Needs a build
// (npm run build); the startup scenario removes it and builds anew.
// --postgres runs checkout and store on the machine's PostgreSQL and Redis
// instead of the embedded database and bus. --runs N (gateway and store,
// default 3; checkout, default 1, on one stack) repeats their measurements and
// reports medians. --cpu-prof <dir> (checkout, gateway) has the stack or the
// routers write V8 CPU profiles there; `node bench/profile-summary.mjs <dir>`
// summarizes them. --baseline <checkout> loads the router (gateway: two more
// targets, alternating with this one's) or the stack (checkout: after this
// one's) built in another checkout (e.g. a git worktree of an earlier commit,
// after `npm run build` there), for ratios in one command. Each checkout runs
// on the Node its package.json pins, or the machine's if it pins none
// (runtimeOf in lib/stack-process.mjs).
// --smoke runs each scenario at a tiny size (a few requests per load, all
// answered) on one shared stack (the startup scenario keeps the build;
// checkout starts its own): it proves they still run, its figures mean
// nothing. stack/test/bench.e2e.test.ts runs it.
import { checkout } from './scenarios/checkout.mjs';
import { gateway } from './scenarios/gateway.mjs';
import { login } from './scenarios/login.mjs';
import { startup } from './scenarios/startup.mjs';
import { store } from './scenarios/store.mjs';
import { subscriptions } from './scenarios/subscriptions.mjs';
import { sizeLoadsByAnswers } from './lib/load.mjs';
import { stackSource } from './lib/stack-process.mjs';

const scenarios = { login, startup, checkout, subscriptions, gateway, store };
const argument = (name) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
};
const only = argument('only')?.split(',') ?? Object.keys(scenarios);
const smoke = process.argv.includes('--smoke');
// A smoke run's loads are sized by answers (SMOKE_REQUESTS_PER_LOAD); its seconds
// bound only the phases that still run for a time.
const seconds = Number(argument('seconds') ?? (smoke ? 1 : 10));
const runs = argument('runs') === undefined ? (smoke ? 1 : undefined) : Number(argument('runs'));
const postgres = process.argv.includes('--postgres');
const cpuProfDir = argument('cpu-prof');
const baseline = argument('baseline');
/** Requests of each load in a smoke run, all answered whatever the machine's load. */
const SMOKE_REQUESTS_PER_LOAD = 8;
/** The smallest size at which each scenario still does all it does. */
const SMOKE_SIZES = {
  keepBuild: true,
  rounds: 1,
  connections: 2,
  serialCheckouts: 2,
  subscribers: 5,
  warmupSeconds: 1,
};

if (smoke) sizeLoadsByAnswers(SMOKE_REQUESTS_PER_LOAD);
const stacks = stackSource(smoke ? 'shared' : 'fresh');
const results = [];
try {
  for (const name of only) {
    const scenario = scenarios[name];
    if (!scenario)
      throw new Error(`No scenario ${name}; there are: ${Object.keys(scenarios).join(', ')}`);
    const result = await scenario({
      seconds,
      runs,
      postgres,
      cpuProfDir,
      baseline,
      stacks,
      ...(smoke ? SMOKE_SIZES : {}),
    });
    // A scenario with several targets answers one row per target.
    results.push(...[result].flat());
    console.log(JSON.stringify(result));
  }
} finally {
  await stacks.close();
}
console.table(results);
