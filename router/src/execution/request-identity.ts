import type { Identity, IdentitySigner } from '@shop/identity';

/**
 * How long one request reuses the header it signed for a subgraph. Far
 * inside the header's lifetime (IDENTITY_LIFETIME_SECONDS), so every call
 * (a retry after a timed-out attempt too) leaves with one the subgraph still
 * accepts, while a request calling a subgraph many times signs once.
 */
const REUSE_MS = 10_000;

interface SignedHeader {
  header: string;
  signedAt: number;
}

/**
 * The caller's identity for one request's subgraph calls. A header is signed
 * for the subgraph it is sent to (each accepts only its own), lazily, once
 * per subgraph the request calls rather than once per call.
 */
export class RequestIdentity {
  /** Equal for equal identities: calls and operations of different identities never share an answer. */
  readonly key: string;
  private readonly headers = new Map<string, SignedHeader>();

  constructor(
    private readonly identity: Identity,
    private readonly signer: IdentitySigner,
  ) {
    this.key = JSON.stringify(identity);
  }

  /** The `x-shop-identity` header value for a call to `subgraph`. */
  headerFor(subgraph: string, now = Date.now()): string {
    const signed = this.headers.get(subgraph);
    if (signed && now - signed.signedAt < REUSE_MS) return signed.header;
    const header = this.signer.sign(this.identity, subgraph, now);
    this.headers.set(subgraph, { header, signedAt: now });
    return header;
  }
}
