/**
 * A module loaded when first used rather than at start: the tracing SDK,
 * which a process without an exporter never needs (see tracing.ts).
 */
export function loadOnUse<Module>(id: string): Module {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id) as Module;
}
