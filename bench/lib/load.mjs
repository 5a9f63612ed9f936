// One bounded load run with autocannon against 127.0.0.1, summarised the same
// way for every scenario: requests/s, latency percentiles, errors.
import autocannon from 'autocannon';

export async function load({ url, body, headers = {}, connections = 8, seconds = 10, isError }) {
  let graphqlErrors = 0;
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    connections,
    duration: seconds,
    setupClient(client) {
      if (!isError) return;
      client.on('body', (raw) => {
        if (isError(JSON.parse(raw.toString()))) graphqlErrors++;
      });
    },
  });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p95: result.latency.p97_5 === undefined ? result.latency.p90 : percentile(result, 95),
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx + graphqlErrors,
    requests: result.requests.total,
  };
}

/** autocannon reports p90 and p97.5; p95 is taken between them. */
function percentile(result, wanted) {
  const { p90, p97_5: p975 } = result.latency;
  return Math.round(p90 + ((p975 - p90) * (wanted - 90)) / 7.5);
}
