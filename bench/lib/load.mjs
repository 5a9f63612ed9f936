// One bounded load run with autocannon against 127.0.0.1, summarised the same
// way for every scenario: requests/s, latency percentiles, errors.
import { clearTimeout, setTimeout } from 'node:timers';
import autocannon from 'autocannon';

/** Characters of the first failed answer kept, to tell what failed. */
const FAILURE_SHOWN = 300;

/**
 * A smoke run (bench --smoke) proves the scenarios still run, on a machine
 * that may be busy: each load then sends this many requests and waits for
 * their answers, rather than loading for a time in which a slow machine may
 * answer none. Undefined for a measurement.
 */
let smokeRequests;

/** Sizes every load of this process by answers instead of time (bench --smoke). */
export function sizeLoadsByAnswers(requests) {
  smokeRequests = requests;
}

/**
 * `isError(answer)` judges each parsed answer; `isErrorText(raw)` judges its
 * text instead, for answers too large to parse at the rate they come without
 * taking the CPU from what is measured (a non-200 status fails as well).
 */
export async function load({
  url,
  body,
  headers = {},
  connections = 8,
  seconds = 10,
  isError,
  isErrorText,
}) {
  let failedAnswers = 0;
  let firstFailure;
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    connections,
    ...(smokeRequests ? { amount: Math.max(smokeRequests, connections) } : { duration: seconds }),
    requests: [
      {
        // The whole body of each answer ('body' events of a client come in chunks).
        onResponse(status, raw) {
          if (isErrorText ? status !== 200 || isErrorText(raw) : isError && failed(raw, isError)) {
            failedAnswers++;
            firstFailure ??= `${status} ${raw.slice(0, FAILURE_SHOWN)}`;
          }
        },
      },
    ],
  });
  const figures = summary(
    result,
    isError || isErrorText ? failedAnswers : result.non2xx,
    Math.round(result.requests.average),
  );
  return firstFailure ? { ...figures, firstFailure } : figures;
}

/**
 * load() against a process started by stack-process.mjs, adding its peak
 * memory (PSS) during this load alone, the cores it kept busy, and its
 * CPU time per request: unlike throughput and latency, that last one hardly
 * changes when other work shares the machine.
 */
export async function loadProcess(served, options) {
  served.resetPeakMemory();
  const cpuBefore = served.cpuSeconds();
  const startedAt = performance.now();
  const result = await load({ url: served.url, ...options });
  const cpuSeconds = served.cpuSeconds() - cpuBefore;
  return {
    ...result,
    peakMemoryMiB: Math.round(served.peakMemoryBytes() / 2 ** 20),
    cpuCores: Number((cpuSeconds / ((performance.now() - startedAt) / 1000)).toFixed(2)),
    cpuMsPerRequest: Number(((cpuSeconds * 1000) / Math.max(1, result.requests)).toFixed(1)),
  };
}

/**
 * Sends each of `requests` ({ headers, body }) at most once, `connections` at
 * a time, for requests that must not repeat (a checkout empties its cart).
 * Ends when all were answered or after `seconds`, whichever comes first.
 */
export async function loadEach({ url, requests, connections = 8, seconds = 10, isError }) {
  let failedAnswers = 0;
  let next = 0;
  const instance = autocannon({
    url,
    method: 'POST',
    connections,
    // A client builds its first request when it starts and each next one
    // just before sending it, never past its share of `amount`: one build per
    // request sent, so no request of the array is sent twice.
    amount: requests.length,
    requests: [
      {
        setupRequest(request) {
          const { headers, body } = requests[next++];
          return {
            ...request,
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify(body),
          };
        },
        onResponse(_status, raw) {
          if (failed(raw, isError)) failedAnswers++;
        },
      },
    ],
  });
  // A smoke run waits for every answer (its requests are few); a measurement stops at its time.
  const deadline = smokeRequests ? undefined : setTimeout(() => instance.stop(), seconds * 1000);
  const result = await instance;
  clearTimeout(deadline);
  // Per-second samples misstate a run that ends mid-second: count over the whole run.
  const rps = Math.round(result.requests.total / ((result.finish - result.start) / 1000));
  return { ...summary(result, failedAnswers, rps), sent: next };
}

/** Whether an answer (any status) is a failure: not JSON, or one `isError` refuses. */
function failed(raw, isError) {
  try {
    return isError(JSON.parse(raw));
  } catch {
    return true;
  }
}

/** `failedAnswers`: answers that failed, whatever their HTTP status; timeouts come on top. */
function summary(result, failedAnswers, rps) {
  return {
    rps,
    p50: result.latency.p50,
    p95: result.latency.p97_5 === undefined ? result.latency.p90 : percentile(result, 95),
    p99: result.latency.p99,
    // autocannon's `errors` are connection errors and timeouts.
    errors: result.errors + failedAnswers,
    requests: result.requests.total,
  };
}

/** autocannon reports p90 and p97.5; p95 is taken between them. */
function percentile(result, wanted) {
  const { p90, p97_5: p975 } = result.latency;
  return Math.round(p90 + ((p975 - p90) * (wanted - 90)) / 7.5);
}
