// How a scenario with several targets reports: medians over its runs, ratios
// between targets, and a markdown table ready to paste into docs/BENCHMARKS.md.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** The columns every row of a target or operation has, in print order. */
export const COLUMNS = ['rps', 'p50', 'p95', 'p99', 'errors', 'peakMemoryMiB', 'cpuMsPerRequest'];

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One row of the medians of `rows` (one per run) in COLUMNS, errors summed over the runs. */
export function medianRow(rows) {
  const row = {};
  for (const column of COLUMNS) {
    const values = rows.map((r) => r[column]);
    row[column] = column === 'errors' ? values.reduce((a, b) => a + b, 0) : median(values);
  }
  return row;
}

/** `value / base` with two decimals, e.g. "1.84x". */
export function ratio(value, base) {
  return base > 0 ? `${(value / base).toFixed(2)}x` : 'n/a';
}

/** The machine as the table records it: cores, CPU model, Node version. */
export function machine() {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
  return `${availableParallelism()} cores, ${model ?? 'unknown CPU'}, node ${process.version}`;
}

/**
 * A markdown table of `rows` ({ name, ...COLUMNS }), each stamped with today's
 * date and the machine, for docs/BENCHMARKS.md.
 */
export function markdownTable(scenario, rows, runs) {
  const stamp = `${new Date().toISOString().slice(0, 10)} | ${machine()}`;
  const header = `| date | machine | scenario | runs | rps | p50 ms | p95 ms | p99 ms | errors | peak RSS MiB | CPU ms/request |`;
  return [
    header,
    header.replace(/[^|]+/g, ' --- '),
    ...rows.map(
      (row) =>
        `| ${stamp} | ${scenario}: ${row.name} | ${runs} | ${COLUMNS.map((c) => row[c]).join(' | ')} |`,
    ),
  ].join('\n');
}
