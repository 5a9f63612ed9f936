import type { Identity, IdentitySigner } from '@shop/identity';

/**
 * How long a header signed for an identity and a subgraph is reused. Far
 * inside the header's lifetime (IDENTITY_LIFETIME_SECONDS), so every call
 * (a retry after a timed-out attempt too) leaves with one the subgraph still
 * accepts.
 */
const REUSE_MS = 10_000;
/** Headers kept at most; past it the expired ones go, and all of them if none has. */
const MAX_KEPT = 10_000;

interface SignedHeader {
  header: string;
  signedAt: number;
}

/**
 * The `x-shop-identity` headers an executor signed, reused by the requests
 * of the same identity to the same subgraph for REUSE_MS: signing (an HMAC
 * per header) for every request's every subgraph was 1.5% of the executor's
 * CPU on the gateway benchmark's query. A header carries nothing but the
 * identity, its audience and when it was signed, so a later request of the
 * same caller may send it as the first one did.
 */
export class IdentityHeaders {
  private readonly signed = new Map<string, SignedHeader>();

  constructor(private readonly signer: IdentitySigner) {}

  headerFor(identity: Identity, identityKey: string, subgraph: string, now: number): string {
    const key = `${subgraph}\n${identityKey}`;
    const kept = this.signed.get(key);
    if (kept && now - kept.signedAt < REUSE_MS) return kept.header;
    if (this.signed.size >= MAX_KEPT) this.dropExpired(now);
    const header = this.signer.sign(identity, subgraph, now);
    this.signed.set(key, { header, signedAt: now });
    return header;
  }

  private dropExpired(now: number): void {
    for (const [key, { signedAt }] of this.signed) {
      if (now - signedAt >= REUSE_MS) this.signed.delete(key);
    }
    if (this.signed.size >= MAX_KEPT) this.signed.clear();
  }
}

/** The caller's identity for one request's subgraph calls; each subgraph accepts only its own header. */
export class RequestIdentity {
  /** Equal for equal identities: calls and operations of different identities never share an answer. */
  readonly key: string;

  constructor(
    private readonly identity: Identity,
    private readonly headers: IdentityHeaders,
  ) {
    this.key = JSON.stringify(identity);
  }

  /** The `x-shop-identity` header value for a call to `subgraph`. */
  headerFor(subgraph: string, now = Date.now()): string {
    return this.headers.headerFor(this.identity, this.key, subgraph, now);
  }
}
