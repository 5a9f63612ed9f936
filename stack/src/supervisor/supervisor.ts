import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { composeSupergraph } from '@shop/composition';
import { createLogger, type Logger } from '@shop/platform';
import { REPO_ROOT, subgraphVariable, type StackConfig } from '../config';
import { portOrFree } from './ports';
import { ServiceProcess } from './service-process';
import { startStackDatabase, type StackDatabase } from './stack-database';
import type { StackOutput } from './stack-output';

/** Stopped while starting: what had started is stopped again. */
export class StackStoppedError extends Error {
  constructor() {
    super('The stack was stopped while it started');
    this.name = 'StackStoppedError';
  }
}

/**
 * npm start: the router and each subgraph as a process of its own, as in
 * production, on the embedded PostgreSQL server unless databases are
 * configured. Ports are fixed first, so every subgraph starts at once and
 * one restarted after a crash comes back where the supergraph routes to;
 * the supergraph is composed from the SDL each subgraph says it serves.
 * stop() may come at any time, during the start too.
 */
export class Supervisor {
  private database: StackDatabase | undefined;
  private readonly services: ServiceProcess[] = [];
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly config: StackConfig,
    private readonly log: Logger,
    private readonly output: StackOutput,
  ) {}

  /** Starts everything; resolves with the router's GraphQL URL once it serves. */
  async start(): Promise<string> {
    const { config } = this;
    try {
      this.database = await startStackDatabase(
        config,
        this.log,
        createLogger('postgres', config.logLevel, this.output.destinationOf('postgres')),
      );
      this.checkNotStopped();
      const urlOf = (port: number) => `http://${config.host}:${port}/graphql`;
      const ports = await Promise.all(
        config.subgraphs.map((subgraph) => portOrFree(subgraph.port, config.host)),
      );
      const env: Record<string, string | undefined> = {
        ...config.env,
        ...this.database?.env,
        SEED_DEMO_DATA: String(config.seed),
      };
      // E-mail without SMTP_URL is kept with the rest of the data (notifications' GET /mailbox).
      env.MAILBOX_DIR ??= path.join(config.dataDir, 'mailbox');
      config.subgraphs.forEach((subgraph, index) => {
        env[subgraphVariable(subgraph.name, 'PORT')] = String(ports[index]);
        // Where orders' checkout calls its siblings, and inventory's sweeper orders, unless configured.
        env[subgraphVariable(subgraph.name, 'URL')] ??= urlOf(ports[index]!);
      });

      const subgraphs = await Promise.all(
        config.subgraphs.map(async ({ name }) => ({
          name,
          ready: await this.service(name, `subgraphs/${name}/dist/main.js`, env).start(),
        })),
      );
      this.checkNotStopped();
      const supergraphPath = await this.writeSupergraph(
        subgraphs.map(({ name, ready }) => ({ name, url: ready.url, sdl: ready.sdl ?? '' })),
      );
      const router = await this.service('router', 'router/dist/main.js', {
        ...env,
        PORT: String(await portOrFree(config.routerPort, config.host)),
        SUPERGRAPH_PATH: supergraphPath,
      }).start();
      this.checkNotStopped();
      return router.url;
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Every service process that runs now (the database server aside). */
  processes(): { name: string; pid: number }[] {
    return this.services.flatMap((service) =>
      service.pid === undefined ? [] : [{ name: service.name, pid: service.pid }],
    );
  }

  /** The router first, then orders (it calls the others), then the rest, then the database. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const named = (test: (name: string) => boolean) =>
        this.services.filter((service) => test(service.name));
      for (const group of [
        named((name) => name === 'router'),
        named((name) => name === 'orders'),
        named((name) => name !== 'router' && name !== 'orders'),
      ]) {
        await Promise.all(group.map((service) => service.stop()));
      }
      await this.database?.stop();
    })();
    return this.stopping;
  }

  /** Exiting at once: nothing may be left running that would not stop on its own. */
  abandon(): void {
    this.database?.abandon();
  }

  private checkNotStopped(): void {
    if (this.stopping) throw new StackStoppedError();
  }

  private service(
    name: string,
    script: string,
    env: Record<string, string | undefined>,
  ): ServiceProcess {
    this.checkNotStopped();
    const service = new ServiceProcess({
      name,
      script: path.join(REPO_ROOT, script),
      env,
      output: this.output,
      log: this.log,
      readyTimeoutMs: this.config.readyTimeoutMs,
      stopTimeoutMs: this.config.stopTimeoutMs,
    });
    this.services.push(service);
    return service;
  }

  /** The supergraph composed from what the running subgraphs serve, for the router to load. */
  private async writeSupergraph(
    subgraphs: { name: string; url: string; sdl: string }[],
  ): Promise<string> {
    const { supergraphSdl } = composeSupergraph(subgraphs);
    const file = path.join(this.config.dataDir, 'supergraph.graphql');
    await mkdir(this.config.dataDir, { recursive: true });
    await writeFile(file, supergraphSdl);
    return file;
  }
}
