// `npm start`: the whole supergraph on the embedded default.
import { createLogger, stopOnSignals } from '@shop/platform';
import { loadStackConfig } from './config';
import { startStack } from './embedded';

const startedAt = performance.now();
const config = loadStackConfig();
const log = createLogger('stack', config.logLevel, config.logFile);

startStack(config, log).then(
  (stack) => {
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    log.info({ url: stack.router.url, startupSeconds: Number(seconds) }, 'supergraph ready');
    // The one line a person starting the stack is looking for.
    process.stdout.write(`\nSupergraph ready in ${seconds}s at ${stack.router.url}\n\n`);
    stopOnSignals(() => stack.stop(), log);
  },
  (error: unknown) => {
    log.fatal({ err: error }, 'the supergraph failed to start');
    process.exit(1);
  },
);
