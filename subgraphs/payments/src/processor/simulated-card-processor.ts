import { createHash, randomBytes } from 'node:crypto';
import type {
  AuthorizeRequest,
  CaptureRequest,
  CardDetails,
  CardProcessor,
  ProcessorOutcome,
  RefundRequest,
  VoidRequest,
} from './card-processor';

/** The test cards with a behaviour of their own; any other valid card approves. */
const TEST_CARD_BEHAVIOUR: Record<string, Behaviour> = {
  '4000000000000002': 'decline',
  '4000000000009995': 'nofunds',
};

type Behaviour = 'ok' | 'seed' | 'decline' | 'nofunds';

// The demo data's cards (tok_seed_…) are the approving test card.
const TOKEN_PATTERN = /^tok_(ok|seed|decline|nofunds)_[0-9a-f]{32}$/;

/** Deterministic per key, so a retried call answers the same reference, as a real processor would. */
const referenceOf = (prefix: string, idempotencyKey: string) =>
  `${prefix}_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 24)}`;

/**
 * A processor without a network. A real processor's token refers to the card
 * it stored; this one stores nothing and instead carries the card's behaviour
 * class in the token, so every process (and a restarted one) treats a token
 * the same way. The test cards decline at authorization, as a real card
 * would; an authorization, once given, is always captured or voided.
 */
export class SimulatedCardProcessor implements CardProcessor {
  tokenize(card: CardDetails): Promise<{ token: string }> {
    const behaviour = TEST_CARD_BEHAVIOUR[card.number] ?? 'ok';
    return Promise.resolve({ token: `tok_${behaviour}_${randomBytes(16).toString('hex')}` });
  }

  authorize(request: AuthorizeRequest): Promise<ProcessorOutcome> {
    const match = TOKEN_PATTERN.exec(request.token);
    if (!match) return Promise.reject(new Error('Unknown card token'));
    const behaviour = match[1] as Behaviour;
    if (behaviour === 'decline') return Promise.resolve({ approved: false, code: 'card_declined' });
    if (behaviour === 'nofunds') {
      return Promise.resolve({ approved: false, code: 'insufficient_funds' });
    }
    return Promise.resolve({
      approved: true,
      reference: referenceOf('au', request.idempotencyKey),
    });
  }

  capture(request: CaptureRequest): Promise<ProcessorOutcome> {
    return Promise.resolve({
      approved: true,
      reference: referenceOf('ch', request.idempotencyKey),
    });
  }

  void(request: VoidRequest): Promise<{ reference: string }> {
    return Promise.resolve({ reference: referenceOf('vo', request.idempotencyKey) });
  }

  refund(request: RefundRequest): Promise<{ reference: string }> {
    return Promise.resolve({ reference: referenceOf('re', request.idempotencyKey) });
  }
}
