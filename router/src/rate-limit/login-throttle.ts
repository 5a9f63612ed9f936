import type { AttemptBackoffSettings, Logger } from '@shop/platform';
import type { FailedLoginStore } from './failed-login-store';
import { inProcessFailedLogins } from './in-process-failed-logins';
import { LocalFallback } from './local-fallback';
import { redisFailedLogins } from './redis-failed-logins';

export interface LoginThrottleSettings extends AttemptBackoffSettings {
  /** Mutation fields whose UNAUTHENTICATED answer is a failed sign-in; none turns the throttle off. */
  mutations: string[];
  keyPrefix: string;
  /** Counted together by every instance through this Redis, in this process while it is away. */
  redisUrl?: string;
}

/** Where failed sign-ins per address are counted; undefined when no mutation signs in. */
export async function createFailedLoginStore(
  settings: LoginThrottleSettings,
  log: Logger,
): Promise<FailedLoginStore | undefined> {
  if (settings.mutations.length === 0) return undefined;
  const local = inProcessFailedLogins(settings);
  if (!settings.redisUrl) return local;
  const shared = await redisFailedLogins({ ...settings, redisUrl: settings.redisUrl, log });
  const fallback = new LocalFallback('failed logins per address', log);
  return {
    begin: (key) =>
      fallback.run(
        () => shared.begin(key),
        () => local.begin(key),
      ),
    forgive: (key) =>
      fallback.run(
        () => shared.forgive(key),
        () => local.forgive(key),
      ),
    async close() {
      await shared.close();
      await local.close();
    },
  };
}
