import type { BaseContext } from '@shop/federation';
import type { AttemptBackoffSettings, Logger } from '@shop/platform';
import { createAddressLoaders } from './address/address.loader';
import { AddressService } from './address/address.service';
import { AuthService, type SessionSettings } from './auth/auth.service';
import { LoginThrottle } from './auth/login-throttle';
import type { Database, UsersOutbox } from './db';
import { createUserLoaders } from './user/user.loader';
import { UserService } from './user/user.service';

/** Services are per process; loaders are per request, so nothing is cached across users. */
export function createServices(
  db: Database,
  outbox: UsersOutbox,
  sessions: SessionSettings,
  loginThrottle: AttemptBackoffSettings,
  log: Logger,
) {
  return {
    users: new UserService(db),
    addresses: new AddressService(db, outbox),
    auth: new AuthService(db, outbox, sessions, new LoginThrottle(db, loginThrottle, log), log),
  };
}

export type UsersServices = ReturnType<typeof createServices>;

function createLoaders(services: UsersServices) {
  return {
    ...createUserLoaders(services.users),
    ...createAddressLoaders(services.addresses),
  };
}

export interface UsersContext extends BaseContext {
  services: UsersServices;
  loaders: ReturnType<typeof createLoaders>;
}

/** Per request: the verified base context plus fresh loaders, so nothing is cached across users. */
export function contextFactory(services: UsersServices) {
  return (base: BaseContext): UsersContext => ({
    ...base,
    services,
    loaders: createLoaders(services),
  });
}
