import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs, one line per event. Every process names itself in
 * `service`; request handlers derive `log.child({ requestId })`.
 */
export function createLogger(service: string, level: string = 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
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
  });
}
