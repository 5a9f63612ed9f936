import { readdirSync, readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat after the parenthesised command (it may hold spaces). */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // ended meanwhile
  }
}

/**
 * Every process descended from `pid`: npm start's services (each in a
 * process group of its own, so a group misses them), the database server
 * and its backends.
 */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = Number(statFields(entry)?.[1]);
    if (Number.isNaN(parent)) continue;
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  for (let index = -1; index < found.length; index++) {
    found.push(...(children.get(index === -1 ? pid : found[index]!) ?? []));
  }
  return found;
}

/** Whether a process runs (a zombie counts as gone). */
export function isRunning(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state !== undefined && state !== 'Z';
}
