import type { FormattedExecutionResult } from 'graphql';

/**
 * Apollo Server's serialization of a response (`errors`, `data`,
 * `extensions`, in that order, then a newline), with the text kept per
 * `data` object while that object lives: requests that shared one execution
 * (identical in-flight queries) share one `data` object, so their answers
 * are serialized once and are one text (the HTTP layer then encodes it once
 * too). Results are never mutated after execution, so a kept text stays the
 * object's text.
 */
export function createResultStringifier(): (result: FormattedExecutionResult) => string {
  const dataOnly = new WeakMap<object, string>();
  return (result) => {
    const { errors, data, extensions } = result;
    if (errors !== undefined || extensions !== undefined || !data) {
      return `${JSON.stringify({ errors, data, extensions })}\n`;
    }
    let text = dataOnly.get(data);
    if (text === undefined) {
      text = `{"data":${JSON.stringify(data)}}\n`;
      dataOnly.set(data, text);
    }
    return text;
  };
}
