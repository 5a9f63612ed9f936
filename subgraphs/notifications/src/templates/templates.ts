import type { PricedOrderLine } from '@shop/events';
import { escapeHtml, htmlDocument } from './html';
import { formatMoney, type Money } from './money';

/** What one event says, as the templates need it; every kind names its template. */
export type MessageFacts =
  | {
      kind: 'ORDER_CONFIRMED';
      orderId: string;
      number?: number;
      total: Money;
      lines?: PricedOrderLine[];
    }
  | { kind: 'PAYMENT_DECLINED'; orderId: string; number?: number; code: string }
  | { kind: 'ORDER_SHIPPED'; orderId: string; number?: number }
  | { kind: 'ORDER_DELIVERED'; orderId: string; number?: number }
  | { kind: 'ORDER_CANCELLED'; orderId: string; number?: number; reason: string }
  | { kind: 'ORDER_REFUNDED'; orderId: string; number?: number; amount: Money }
  | { kind: 'PAYMENT_UNDER_REVIEW'; orderId: string; number?: number; amount: Money }
  | {
      kind: 'LOW_STOCK';
      productId: string;
      /** Absent when the product's snapshot has not reached notifications yet. */
      productName?: string;
      available: number;
      threshold: number;
    };

export type NotificationKindName = MessageFacts['kind'];

/**
 * Sent whatever the user chose: the answer to something the user just did
 * (paid, or was refused). Every other kind respects the user's choice per channel.
 */
export const TRANSACTIONAL_KINDS: ReadonlySet<NotificationKindName> = new Set([
  'ORDER_CONFIRMED',
  'PAYMENT_DECLINED',
]);

export interface RenderedMessage {
  /** The template and its version, recorded with the notification. */
  template: string;
  /** The order or product it is about. */
  subjectId: string;
  /** The feed's headline, and the e-mail's subject after the store's name. */
  title: string;
  /** The feed's text: a line or two. */
  body: string;
  /** The e-mail's plain-text and HTML parts. */
  text: string;
  html: string;
}

interface Parts {
  title: string;
  body: string;
  /** Extra plain-text lines and HTML for the e-mail (order lines), besides the body. */
  detailText?: string;
  detailHtml?: string;
}

/** "order #1001", or "your order" for events written without the number. */
const orderName = (number: number | undefined) =>
  number === undefined ? 'your order' : `order #${number}`;

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function orderLines(
  lines: PricedOrderLine[],
  total: Money,
): Pick<Parts, 'detailText' | 'detailHtml'> {
  const lineTotal = (line: PricedOrderLine) =>
    formatMoney({
      amount: line.unitPrice.amount * line.quantity,
      currency: line.unitPrice.currency,
    });
  const text = [
    ...lines.map((line) => `${line.quantity} × ${line.productName}  ${lineTotal(line)}`),
    `Total  ${formatMoney(total)}`,
  ].join('\n');
  const rows = lines
    .map(
      (line) =>
        `<tr><td>${line.quantity} ×</td><td>${escapeHtml(line.productName)}</td>` +
        `<td style="text-align: right">${escapeHtml(lineTotal(line))}</td></tr>`,
    )
    .join('\n');
  const html = `<table cellpadding="4">
${rows}
<tr><td></td><th style="text-align: left">Total</th><th style="text-align: right">${escapeHtml(formatMoney(total))}</th></tr>
</table>`;
  return { detailText: text, detailHtml: html };
}

function partsOf(facts: MessageFacts): Parts {
  switch (facts.kind) {
    case 'ORDER_CONFIRMED':
      return {
        title: `${capitalized(orderName(facts.number))} is confirmed`,
        body: `Thank you! We received your payment of ${formatMoney(facts.total)} and are preparing ${orderName(facts.number)}.`,
        ...(facts.lines ? orderLines(facts.lines, facts.total) : {}),
      };
    case 'PAYMENT_DECLINED':
      return {
        title: 'Your payment was declined',
        body: `The payment for ${orderName(facts.number)} was declined (${facts.code}), so the order was not placed. Nothing was charged; please try another card.`,
      };
    case 'ORDER_SHIPPED':
      return {
        title: `${capitalized(orderName(facts.number))} has shipped`,
        body: `Good news: ${orderName(facts.number)} is on its way.`,
      };
    case 'ORDER_DELIVERED':
      return {
        title: `${capitalized(orderName(facts.number))} was delivered`,
        body: `${capitalized(orderName(facts.number))} has been delivered. Enjoy!`,
      };
    case 'ORDER_CANCELLED':
      return {
        title: `${capitalized(orderName(facts.number))} was cancelled`,
        body: `${capitalized(orderName(facts.number))} was cancelled (${facts.reason}). Any amount held on your card is released.`,
      };
    case 'ORDER_REFUNDED':
      return {
        title: 'Your refund is on its way',
        body: `We refunded ${formatMoney(facts.amount)} for ${orderName(facts.number)} to the card you paid with.`,
      };
    case 'PAYMENT_UNDER_REVIEW':
      return {
        title: 'Your payment is being reviewed',
        body: `Your payment of ${formatMoney(facts.amount)} for ${orderName(facts.number)} is held for a routine review; we will let you know as soon as it goes ahead.`,
      };
    case 'LOW_STOCK':
      return {
        title: 'Low stock',
        body: `${facts.productName ?? `Product ${facts.productId}`} is down to ${facts.available} (threshold ${facts.threshold}).`,
      };
  }
}

/** Each template's version, recorded with what it rendered: raised when its wording changes. */
const TEMPLATE_VERSIONS: Partial<Record<NotificationKindName, number>> = {
  // Name the order's number.
  PAYMENT_DECLINED: 2,
  ORDER_REFUNDED: 2,
  PAYMENT_UNDER_REVIEW: 2,
};

/** Renders the facts into the feed's text and the e-mail's two parts, signed with the store's name. */
export function renderMessage(facts: MessageFacts, storeName: string): RenderedMessage {
  const parts = partsOf(facts);
  const text = [
    parts.title,
    '',
    parts.body,
    ...(parts.detailText ? ['', parts.detailText] : []),
    '',
    `— ${storeName}`,
    '',
  ].join('\n');
  const html = htmlDocument(
    storeName,
    parts.title,
    `<p>${escapeHtml(parts.body)}</p>${parts.detailHtml ? `\n${parts.detailHtml}` : ''}`,
  );
  return {
    template: `${facts.kind.toLowerCase().replace(/_/g, '-')}@${TEMPLATE_VERSIONS[facts.kind] ?? 1}`,
    subjectId: facts.kind === 'LOW_STOCK' ? facts.productId : facts.orderId,
    title: parts.title,
    body: parts.body,
    text,
    html,
  };
}
