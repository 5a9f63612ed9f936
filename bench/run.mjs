// npm run bench [-- --only <scenario>[,<scenario>]] [-- --seconds N] [-- --runs N] [-- --postgres]
//   [-- --cpu-prof <dir>] [-- --baseline <checkout>]
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
// after `npm run build` there), for ratios in one command.
import { checkout } from './scenarios/checkout.mjs';
import { gateway } from './scenarios/gateway.mjs';
import { login } from './scenarios/login.mjs';
import { startup } from './scenarios/startup.mjs';
import { store } from './scenarios/store.mjs';
import { subscriptions } from './scenarios/subscriptions.mjs';

const scenarios = { login, startup, checkout, subscriptions, gateway, store };
const argument = (name) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
};
const only = argument('only')?.split(',') ?? Object.keys(scenarios);
const seconds = Number(argument('seconds') ?? 10);
const runs = argument('runs') === undefined ? undefined : Number(argument('runs'));
const postgres = process.argv.includes('--postgres');
const cpuProfDir = argument('cpu-prof');
const baseline = argument('baseline');

const results = [];
for (const name of only) {
  const scenario = scenarios[name];
  if (!scenario)
    throw new Error(`No scenario ${name}; there are: ${Object.keys(scenarios).join(', ')}`);
  const result = await scenario({ seconds, runs, postgres, cpuProfDir, baseline });
  // A scenario with several targets answers one row per target.
  results.push(...[result].flat());
  console.log(JSON.stringify(result));
}
console.table(results);
