import { z } from 'zod';
import { loadConfig, logLevel, nodeEnv, port } from '@shop/platform';

/** The products subgraph's settings, from the environment (see .env.example). */
export function loadProductsConfig(env?: Record<string, string | undefined>) {
  const config = loadConfig(
    {
      NODE_ENV: nodeEnv,
      LOG_LEVEL: logLevel,
      HOST: z.string().default('127.0.0.1'),
      PRODUCTS_PORT: port(4002),
      DATABASE_URL_PRODUCTS: z.string().url(),
      DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    },
    env,
  );
  return {
    production: config.NODE_ENV === 'production',
    logLevel: config.LOG_LEVEL,
    host: config.HOST,
    port: config.PRODUCTS_PORT,
    databaseUrl: config.DATABASE_URL_PRODUCTS,
    poolSize: config.DATABASE_POOL_SIZE,
  };
}

export type ProductsConfig = ReturnType<typeof loadProductsConfig>;
