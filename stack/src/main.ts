// `npm start`: the whole supergraph on the embedded default, a process per service.
import { ConfigError, createLogger, stopOnSignals } from '@shop/platform';
import { loadStackConfig, type StackConfig } from './config';
import { StackOutput } from './supervisor/stack-output';
import { StackStoppedError, Supervisor } from './supervisor/supervisor';

const startedAt = performance.now();
let config: StackConfig;
try {
  config = loadStackConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`npm start: ${error.message}\n`);
  process.exit(1);
}
const output = new StackOutput(config.logFile);
const log = createLogger('stack', config.logLevel, output.destinationOf('stack'));
const supervisor = new Supervisor(config, log, output);
// From the first moment: a Ctrl-C during the start stops what has started, in order;
// a second one exits at once, the database asked for a fast shutdown on the way out.
stopOnSignals(
  () => supervisor.stop(),
  log,
  () => supervisor.abandon(),
);

supervisor.start().then(
  (url) => {
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    log.info(
      { url, startupSeconds: Number(seconds), processes: supervisor.processes() },
      'supergraph ready',
    );
    // The one line a person starting the stack is looking for.
    process.stdout.write(`\nSupergraph ready in ${seconds}s at ${url}\n\n`);
  },
  (error: unknown) => {
    if (error instanceof StackStoppedError) return;
    log.fatal({ err: error }, 'the supergraph failed to start');
    process.exit(1);
  },
);
