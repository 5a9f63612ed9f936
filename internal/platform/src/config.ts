import { z } from 'zod';

/** Thrown at start-up when an environment variable is missing or malformed. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The one reader of the environment: every process declares its variables as
 * a zod object and gets them parsed, defaulted and typed, or fails fast with
 * every bad variable named.
 */
export function loadConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: Record<string, string | undefined> = process.env,
): z.infer<z.ZodObject<Shape>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  return result.data;
}

/**
 * What a shape of variables parses to: a feature's `*.settings.ts` maps it to
 * the feature's settings once the process's one `loadConfig` has parsed them.
 */
export type VariablesOf<Shape extends z.ZodRawShape> = z.infer<z.ZodObject<Shape>>;

/** The environment as the process saw it at start, for passing on to children. */
export function currentEnvironment(): Record<string, string | undefined> {
  return { ...process.env };
}

export const nodeEnv = z.enum(['development', 'test', 'production']).default('development');

/** Whether NODE_ENV asks for production, read before the rest: what some variables must be depends on it. */
export function runsInProduction(env: Record<string, string | undefined> = process.env): boolean {
  return env.NODE_ENV === 'production';
}

export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  .default('info');
export const port = (fallback: number) =>
  z.coerce.number().int().min(0).max(65535).default(fallback);
export const optionalUrl = z.string().url().optional();
/** A comma-separated list, e.g. CORS_ORIGINS=https://a.example,https://b.example */
export const commaList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );
export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');

/** An on/off switch that may be left unset, so the caller can derive its default. */
export const optionalBooleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((value) => (value === undefined ? undefined : value === 'true' || value === '1'));
