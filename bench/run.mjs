// npm run bench [-- --only <scenario>[,<scenario>]] [-- --seconds N] [-- --postgres]
// Every scenario loads only 127.0.0.1 and is bounded in time. Needs a build
// (npm run build); the startup scenario removes it and builds anew.
// --postgres runs checkout on the machine's PostgreSQL and Redis instead of
// the embedded database and bus.
import { checkout } from './scenarios/checkout.mjs';
import { login } from './scenarios/login.mjs';
import { startup } from './scenarios/startup.mjs';
import { subscriptions } from './scenarios/subscriptions.mjs';

const scenarios = { login, startup, checkout, subscriptions };
const argument = (name) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
};
const only = argument('only')?.split(',') ?? Object.keys(scenarios);
const seconds = Number(argument('seconds') ?? 10);
const postgres = process.argv.includes('--postgres');

const results = [];
for (const name of only) {
  const scenario = scenarios[name];
  if (!scenario)
    throw new Error(`No scenario ${name}; there are: ${Object.keys(scenarios).join(', ')}`);
  const result = await scenario({ seconds, postgres });
  results.push(result);
  console.log(JSON.stringify(result));
}
console.table(results);
