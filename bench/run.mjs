// npm run bench [-- --only <scenario>[,<scenario>]] [-- --seconds N]
// Every scenario loads only 127.0.0.1 and is bounded in time. Needs a build
// (npm run build); the startup scenario removes it and builds anew.
import { login } from './scenarios/login.mjs';
import { startup } from './scenarios/startup.mjs';

const scenarios = { login, startup };
const argument = (name) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
};
const only = argument('only')?.split(',') ?? Object.keys(scenarios);
const seconds = Number(argument('seconds') ?? 10);

const results = [];
for (const name of only) {
  const scenario = scenarios[name];
  if (!scenario)
    throw new Error(`No scenario ${name}; there are: ${Object.keys(scenarios).join(', ')}`);
  const result = await scenario({ seconds });
  results.push(result);
  console.log(JSON.stringify(result));
}
console.table(results);
