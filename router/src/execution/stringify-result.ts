import type { FormattedExecutionResult } from 'graphql';
import { RecentValues } from '@shop/platform';

/**
 * Texts kept per data object. Requests that shared one execution (identical
 * in-flight queries) get their answers one after the other, so a few are
 * enough to serialize a shared answer once.
 */
const REMEMBERED = 8;

/**
 * Apollo Server's serialization of a response (`errors`, `data`,
 * `extensions`, in that order, then a newline), with the text of the last
 * few `data` objects kept: requests that shared one execution share one
 * `data` object, so their answers are serialized once and are one text (the
 * HTTP layer then encodes it once too). Results are never mutated after
 * execution, so a kept text stays the object's text.
 *
 * The texts were kept in a WeakMap keyed by the data object until
 * 2026-12-07: V8 kept each 67 kB answer text of the gateway benchmark's
 * query past the scavenges that freed its data object, so they were
 * promoted, and the old generation filled a third faster (89 against 62 KiB
 * promoted per request, a major collection every 167 requests against 213,
 * under `--trace-gc-nvp`; docs/BENCHMARKS.md).
 */
export function createResultStringifier(): (result: FormattedExecutionResult) => string {
  const dataOnly = new RecentValues<object, string>(REMEMBERED);
  return (result) => {
    const { errors, data, extensions } = result;
    if (errors !== undefined || extensions !== undefined || !data) {
      return `${JSON.stringify({ errors, data, extensions })}\n`;
    }
    let text = dataOnly.get(data);
    if (text === undefined) {
      text = `{"data":${JSON.stringify(data)}}\n`;
      dataOnly.remember(data, text);
    }
    return text;
  };
}
