// node bench/profile-summary.mjs <dir> [--skip-seconds N] [--top N] [--window FROM,TO [--per N]]
// Summarizes each V8 CPU profile (*.cpuprofile) in <dir>, as written by
// `npm run bench -- --only gateway --cpu-prof <dir>`: the share of samples
// per kind of work, then the functions with the most self time. The first
// --skip-seconds (default 15: start-up and warm-up) are left out, so the
// shares are those of the process under load. --window takes the measured
// load's start and end on the monotonic clock in µs, as the checkout scenario
// prints them (profileWindow), instead: only samples within it count, and each
// process's busy CPU ms in it is printed, divided by --per (e.g. the checkouts sent).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
if (!dir)
  throw new Error('Usage: node bench/profile-summary.mjs <dir> [--skip-seconds N] [--top N]');
const option = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const skipMicroseconds = option('skip-seconds', 15) * 1e6;
const top = option('top', 25);
const windowIndex = process.argv.indexOf('--window');
const window =
  windowIndex === -1 ? undefined : process.argv[windowIndex + 1].split(',').map(Number);
const per = option('per', 1);

/** Kinds of work, by the first frame (from the sample up) that names one. */
const KINDS = [
  [/^\((garbage collector|idle|program)\)$/, (match) => match[1]],
  [/stringify-result/, () => 'serializing the answer'],
  [
    /encoded-bodies|^writev|_http_outgoing|node:net|stream_base/,
    () => 'answer bytes and socket writes',
  ],
  [/response-shaper/, () => 'shaping the response'],
  [/parseAnswer/, () => 'parsing subgraph answers'],
  [
    /undici|subgraph-client|subgraph-resilience|merged-entity-call|abort_controller/,
    () => 'subgraph HTTP calls',
  ],
  [/prepareEntities|representation|prepareRoot/, () => 'representations'],
  [/receive|mergeIntoOwners|deepMerge|result-tree/, () => 'merging answers'],
  [/compiled-plan|fetch-schedule|query-plan-executor|execution-state/, () => 'running the plan'],
  [/@apollo\/server|apollo-handler|graphql\/|authoriz|limits/, () => 'Apollo Server and HTTP'],
  [/prom-client|observability|opentelemetry/, () => 'metrics and traces'],
  [/generated\/prisma\/runtime|@prisma\//, () => 'Prisma client'],
  [/node_modules\/(pg|pg-protocol|pg-pool)\//, () => 'pg driver'],
  [/pino|logger/, () => 'logging'],
  [/node:internal\/crypto|identity/, () => 'crypto (identity, hashing)'],
];

/** Which service a profile is of: the folder its own code is in (subgraphs/<name>, router, stack). */
function processOf(profile) {
  const counts = new Map();
  for (const { callFrame } of profile.nodes) {
    const match = /\/(subgraphs\/[a-z]+|router|stack)\//.exec(callFrame.url);
    if (match && !callFrame.url.includes('node_modules'))
      counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'unknown';
}

const frameName = ({ functionName, url, lineNumber }) =>
  `${functionName || '(anonymous)'} ${url.replace(/.*node_modules\//, '').replace(/.*\/(router|internal)\//, '$1/')}:${lineNumber + 1}`;

for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node.id);
  const kindOf = (id) => {
    for (let current = id; current !== undefined; current = parents.get(current)) {
      const { callFrame } = nodes.get(current);
      const text = callFrame.functionName.startsWith('(')
        ? callFrame.functionName
        : `${callFrame.functionName} ${callFrame.url}`;
      for (const [pattern, name] of KINDS) {
        const match = pattern.exec(text);
        if (match) return name(match);
      }
    }
    return 'other';
  };
  const kinds = new Map();
  const selfTime = new Map();
  let elapsed = 0;
  let counted = 0;
  let busyMicroseconds = 0;
  profile.samples.forEach((id, index) => {
    elapsed += profile.timeDeltas[index];
    if (window) {
      const at = profile.startTime + elapsed;
      if (at < window[0] || at > window[1]) return;
    } else if (elapsed < skipMicroseconds) return;
    counted++;
    const kind = kindOf(id);
    if (kind !== 'idle') busyMicroseconds += profile.timeDeltas[index];
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    const name = frameName(nodes.get(id).callFrame);
    selfTime.set(name, (selfTime.get(name) ?? 0) + 1);
  });
  const share = (count) => `${((100 * count) / counted).toFixed(1).padStart(5)}%`;
  const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]);
  console.log(
    window
      ? `${file} (${processOf(profile)}): ${counted} samples in the window, busy ${(busyMicroseconds / 1000 / per).toFixed(1)} ms${per === 1 ? '' : ` per ${per}`}`
      : `${file} (${processOf(profile)}): ${counted} samples after the first ${skipMicroseconds / 1e6} s`,
  );
  for (const [kind, count] of sorted(kinds)) console.log(`  ${share(count)} ${kind}`);
  console.log('  self time:');
  for (const [name, count] of sorted(selfTime).slice(0, top))
    console.log(`  ${share(count)} ${name}`);
}
