import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { close, createHttpServer, listen } from '../http/http-server';
import { createLogger } from '../logger';
import { loadConfig, nodeEnv } from '../config';
import { ANONYMOUS_LABEL, BoundedLabel, OTHER_LABEL } from './metrics';
import { createServiceObservability } from './service-observability';
import { observabilitySettingsOf, observabilityVariables } from './settings';

const settingsFrom = (env: Record<string, string>) =>
  observabilitySettingsOf(loadConfig({ NODE_ENV: nodeEnv, ...observabilityVariables }, env));

describe('observability settings', () => {
  it('turns metrics on and tracing off by default', () => {
    expect(settingsFrom({})).toEqual({ metricsEnabled: true, otlpTracesEndpoint: undefined });
  });

  it('serves metrics on the service port in development only, on METRICS_PORT wherever set', () => {
    expect(settingsFrom({})).toMatchObject({ metricsEnabled: true, metricsListener: undefined });
    expect(settingsFrom({ NODE_ENV: 'production' }).metricsEnabled).toBe(false);
    expect(settingsFrom({ NODE_ENV: 'production', METRICS_PORT: '9464' })).toMatchObject({
      metricsEnabled: true,
      metricsListener: { host: '127.0.0.1', port: 9464 },
    });
    expect(settingsFrom({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }).metricsListener).toEqual(
      { host: '0.0.0.0', port: 9464 },
    );
    expect(settingsFrom({ METRICS_PORT: '' }).metricsListener).toBeUndefined();
    expect(
      settingsFrom({ NODE_ENV: 'production', METRICS_PORT: '9464', METRICS_ENABLED: 'false' })
        .metricsEnabled,
    ).toBe(false);
    expect(() => settingsFrom({ METRICS_PORT: 'ninety' })).toThrow(/METRICS_PORT/);
  });

  it('sends traces to the base endpoint /v1/traces, or to the traces endpoint when given', () => {
    expect(
      settingsFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).otlpTracesEndpoint,
    ).toBe('http://collector:4318/v1/traces');
    expect(
      settingsFrom({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom',
      }).otlpTracesEndpoint,
    ).toBe('http://traces:4318/custom');
  });

  it('leaves a request untouched when metrics and tracing are off', () => {
    const off = createServiceObservability('svc', settingsFrom({ METRICS_ENABLED: 'false' }));
    const handler = () => undefined;
    expect(off.registry).toBeUndefined();
    expect(off.tracing).toBeUndefined();
    expect(off.routes()).toEqual({});
    expect(off.plugins()).toEqual([]);
    expect(off.traced(handler)).toBe(handler);
  });
});

describe('BoundedLabel', () => {
  it('keeps the first names and folds the rest, and names an unnamed operation', () => {
    const label = new BoundedLabel(2);
    expect(label.valueOf('A')).toBe('A');
    expect(label.valueOf('B')).toBe('B');
    expect(label.valueOf('C')).toBe(OTHER_LABEL);
    expect(label.valueOf('A')).toBe('A');
    expect(label.valueOf(undefined)).toBe(ANONYMOUS_LABEL);
  });
});

describe('a traced route', () => {
  it("continues the caller's trace, names the service, and puts the trace id in log lines", async () => {
    const spans = new InMemorySpanExporter();
    const observability = createServiceObservability(
      'svc',
      { metricsEnabled: true },
      { spanExporter: spans },
    );
    const logFile = path.join(mkdtempSync(path.join(tmpdir(), 'observability-')), 'svc.log');
    const log = createLogger('svc', 'info', logFile);
    const server = createHttpServer({
      log,
      routes: {
        '/work': observability.traced((_req, res) => {
          log.info('working');
          res.end('done');
        }),
        ...observability.routes(),
      },
    });
    const port = await listen(server, 0, '127.0.0.1');
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const parentId = '00f067aa0ba902b7';
      const response = await fetch(`http://127.0.0.1:${port}/work`, {
        headers: { traceparent: `00-${traceId}-${parentId}-01` },
      });
      expect(await response.text()).toBe('done');

      const [span] = spans.getFinishedSpans();
      expect(span?.name).toBe('GET /work');
      expect(span?.spanContext().traceId).toBe(traceId);
      expect(span?.parentSpanContext?.spanId).toBe(parentId);
      expect(span?.resource.attributes['service.name']).toBe('svc');
      const line = JSON.parse(readFileSync(logFile, 'utf8').trim()) as Record<string, unknown>;
      expect(line).toMatchObject({ msg: 'working', traceId });

      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('process_cpu_user_seconds_total{service="svc"}');
    } finally {
      await close(server);
      await observability.shutdown();
    }
  });
});
