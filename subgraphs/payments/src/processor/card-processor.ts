/** What the processor needs to tokenize a card; it lives only in memory, for one call. */
export interface CardDetails {
  /** Digits only. */
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

/** What the processor answers an authorization or a capture: its reference, or why not. */
export type ProcessorOutcome =
  { approved: true; reference: string } | { approved: false; code: DeclineCode };

export type DeclineCode = 'card_declined' | 'insufficient_funds';

export interface AuthorizeRequest {
  token: string;
  amount: number;
  currency: string;
  /** The processor authorizes once per key, however often it is asked. */
  idempotencyKey: string;
}

export interface CaptureRequest {
  /** The authorization's reference. */
  authorization: string;
  amount: number;
  idempotencyKey: string;
}

export interface VoidRequest {
  /** The authorization's reference. */
  authorization: string;
  idempotencyKey: string;
}

export interface RefundRequest {
  /** The captured payment's reference. */
  reference: string;
  amount: number;
  idempotencyKey: string;
}

/**
 * The card processor, behind which a real provider can replace the simulated
 * one: it keeps the card and hands out a token; this subgraph keeps only the
 * token. A payment is authorized first (the amount held on the card, where a
 * card is declined), then captured (taken) or voided (the hold given back);
 * captured money is refunded. Every call carries an idempotency key, so a
 * call retried after a crash settles once.
 */
export interface CardProcessor {
  tokenize(card: CardDetails): Promise<{ token: string }>;
  authorize(request: AuthorizeRequest): Promise<ProcessorOutcome>;
  capture(request: CaptureRequest): Promise<ProcessorOutcome>;
  void(request: VoidRequest): Promise<{ reference: string }>;
  refund(request: RefundRequest): Promise<{ reference: string }>;
}
