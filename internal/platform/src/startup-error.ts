/**
 * A start-up problem a person must fix outside the code — a database that
 * does not answer, a URL pointing nowhere: its message is the one line to
 * print, naming the variable and the problem; a stack trace would add
 * nothing but noise.
 */
export class StartupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StartupError';
  }
}
