import { pino, type Logger, type LoggerOptions } from 'pino';
import { activeTraceId } from './observability/trace-id';

export type { Logger };

/** Where a logger's lines go instead of stdout: a file, or a stream of one's own. */
export type LogDestination = string | { write(line: string): void };

/**
 * Structured JSON logs, one line per event. Every process names itself in
 * `service`; request handlers derive `log.child({ requestId })`. Lines go to
 * stdout, or are appended to a file (written synchronously, so nothing is
 * lost when the process ends: the test run scans these files), or handed to
 * a stream (npm start prefixes them with the process's name).
 */
export function createLogger(
  service: string,
  level: string = 'info',
  destination?: LogDestination,
): Logger {
  const options: LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Lines written while a request's span is active carry its trace id (none when tracing is off).
    mixin: () => {
      const traceId = activeTraceId();
      return traceId ? { traceId } : {};
    },
    // Card data and secrets must never reach a log line, whatever is logged.
    redact: {
      paths: [
        '*.password',
        '*.cardNumber',
        '*.cvc',
        '*.authorization',
        '*.refreshToken',
        '*.accessToken',
        'req.headers.authorization',
        'req.headers.cookie',
      ],
      censor: '[redacted]',
    },
  };
  if (destination === undefined) return pino(options);
  return pino(
    options,
    typeof destination === 'string'
      ? pino.destination({ dest: destination, append: true, mkdir: true, sync: true })
      : destination,
  );
}
