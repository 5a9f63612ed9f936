import { renderMessage } from './templates';

describe('renderMessage', () => {
  it('confirms an order with its number, lines and total in both parts', () => {
    const message = renderMessage(
      {
        kind: 'ORDER_CONFIRMED',
        orderId: 'o1',
        number: 1001,
        total: { amount: 5998, currency: 'USD' },
        lines: [
          {
            productId: 'p1',
            productName: 'Mug <XL>',
            quantity: 2,
            unitPrice: { amount: 2999, currency: 'USD' },
          },
        ],
      },
      'Shop & Co',
    );
    expect(message.template).toBe('order-confirmed@1');
    expect(message.title).toBe('Order #1001 is confirmed');
    expect(message.text).toContain('2 × Mug <XL>  $59.98');
    expect(message.text).toContain('Total  $59.98');
    expect(message.text).toContain('— Shop & Co');
    expect(message.html).toContain('Mug &lt;XL&gt;');
    expect(message.html).toContain('Shop &amp; Co');
    expect(message.html).not.toContain('<XL>');
  });

  it('names the product low stock is about, or its id when its name has not arrived', () => {
    const facts = { kind: 'LOW_STOCK', productId: 'p1', available: 2, threshold: 5 } as const;
    expect(renderMessage({ ...facts, productName: 'Teapot' }, 'Shop').body).toBe(
      'Teapot is down to 2 (threshold 5).',
    );
    expect(renderMessage(facts, 'Shop').body).toBe('Product p1 is down to 2 (threshold 5).');
  });

  it('names the order in the messages about its payment', () => {
    const amount = { amount: 2500, currency: 'USD' };
    const declined = renderMessage(
      { kind: 'PAYMENT_DECLINED', orderId: 'o1', number: 1002, code: 'card_declined' },
      'Shop',
    );
    expect(declined.template).toBe('payment-declined@2');
    expect(declined.body).toBe(
      'The payment for order #1002 was declined (card_declined), so the order was not placed. Nothing was charged; please try another card.',
    );
    expect(
      renderMessage({ kind: 'ORDER_REFUNDED', orderId: 'o1', number: 1002, amount }, 'Shop').body,
    ).toBe('We refunded $25.00 for order #1002 to the card you paid with.');
    expect(
      renderMessage({ kind: 'PAYMENT_UNDER_REVIEW', orderId: 'o1', number: 1002, amount }, 'Shop')
        .body,
    ).toBe(
      'Your payment of $25.00 for order #1002 is held for a routine review; we will let you know as soon as it goes ahead.',
    );
    expect(renderMessage({ kind: 'ORDER_REFUNDED', orderId: 'o1', amount }, 'Shop').body).toBe(
      'We refunded $25.00 for your order to the card you paid with.',
    );
  });

  it('names an order without a number as "your order"', () => {
    const message = renderMessage({ kind: 'ORDER_SHIPPED', orderId: 'o1' }, 'Shop');
    expect(message.title).toBe('Your order has shipped');
  });
});
