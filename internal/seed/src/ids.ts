import { createHash } from 'node:crypto';

// Fixed forever: every subgraph derives the same ids independently, so changing this would
// break the cross-subgraph references of already-seeded databases.
const SEED_NAMESPACE = '7c1d9a52-3e4b-4f08-8a6d-2b9e5f1c0d47';
const NAMESPACE_BYTES = Buffer.from(SEED_NAMESPACE.replace(/-/g, ''), 'hex');

/** Deterministic RFC 4122 version-5 UUID for a seeded entity, e.g. seedId('product', slug). */
export function seedId(kind: string, key: string): string {
  const bytes = createHash('sha1')
    .update(NAMESPACE_BYTES)
    .update(`${kind}:${key}`, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x50, 6); // version 5
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8); // RFC 4122 variant
  const hex = bytes.toString('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20, 32),
  ].join('-');
}
