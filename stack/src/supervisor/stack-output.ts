import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** The width names are padded to, so the lines of different processes align. */
const NAME_WIDTH = 9;

/**
 * Where npm start writes the log lines of every process it runs, each
 * prefixed with the process's name: stdout, or a file (appended
 * synchronously, so nothing is lost when the stack stops: tests scan it).
 */
export class StackOutput {
  constructor(private readonly file?: string) {
    if (file) mkdirSync(path.dirname(file), { recursive: true });
  }

  line(name: string, text: string): void {
    const prefixed = `${name.padEnd(NAME_WIDTH)}| ${text.replace(/\n$/, '')}\n`;
    if (this.file) appendFileSync(this.file, prefixed);
    else process.stdout.write(prefixed);
  }

  /** A log destination whose lines come out prefixed with `name`. */
  destinationOf(name: string): { write(line: string): void } {
    return { write: (line) => this.line(name, line) };
  }
}
