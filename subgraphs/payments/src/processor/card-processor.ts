/** What the processor needs to tokenize a card; it lives only in memory, for one call. */
export interface CardDetails {
  /** Digits only. */
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export type ChargeOutcome =
  { approved: true; reference: string } | { approved: false; code: DeclineCode };

export type DeclineCode = 'card_declined' | 'insufficient_funds';

export interface ChargeRequest {
  token: string;
  amount: number;
  currency: string;
  /** The processor charges once per key, however often it is asked. */
  idempotencyKey: string;
}

export interface RefundRequest {
  /** The charge's reference. */
  reference: string;
  amount: number;
  idempotencyKey: string;
}

/**
 * The card processor, behind which a real provider can replace the simulated
 * one: it keeps the card and hands out a token; this subgraph keeps only the
 * token. Charges and refunds carry idempotency keys, so a call retried after
 * a crash settles once.
 */
export interface CardProcessor {
  tokenize(card: CardDetails): Promise<{ token: string }>;
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  refund(request: RefundRequest): Promise<{ reference: string }>;
}
