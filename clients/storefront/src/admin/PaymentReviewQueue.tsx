import { useMutation, useQuery } from '@apollo/client';
import {
  PaymentsAwaitingReviewDocument,
  ReviewPaymentDocument,
} from '../../../generated/operations';
import { errorMessage, formatDateTime, formatMoney } from '../format';

const QUEUE_SIZE = 100;

/** Payments above the review threshold, oldest first: approve captures, reject gives back. */
export function PaymentReviewQueue() {
  const queue = useQuery(PaymentsAwaitingReviewDocument, {
    variables: { first: QUEUE_SIZE },
    fetchPolicy: 'cache-and-network',
  });
  const [review, reviewed] = useMutation(ReviewPaymentDocument, {
    refetchQueries: [{ query: PaymentsAwaitingReviewDocument, variables: { first: QUEUE_SIZE } }],
    awaitRefetchQueries: true,
  });
  if (queue.error) return <p role="alert">{errorMessage(queue.error)}</p>;
  if (!queue.data) return <p>Loading…</p>;
  const payments = queue.data.paymentsAwaitingReview;
  const decide = (id: string, approve: boolean) =>
    void review({ variables: { id, approve } }).catch(() => undefined);
  return (
    <section>
      <h1>Payment review ({payments.length})</h1>
      {payments.length === 0 && <p>No payment is waiting for review.</p>}
      {reviewed.error && <p role="alert">{errorMessage(reviewed.error)}</p>}
      <ul className="review-queue">
        {payments.map((payment) => (
          <li key={payment.id} className="panel" data-testid="held-payment">
            <strong>{formatMoney(payment.amount)}</strong> on {payment.method.brand} ••••{' '}
            {payment.method.last4}, authorized {formatDateTime(payment.createdAt)}
            <div className="actions">
              <button
                type="button"
                disabled={reviewed.loading}
                onClick={() => decide(payment.id, true)}
              >
                Approve
              </button>
              <button
                type="button"
                disabled={reviewed.loading}
                onClick={() => decide(payment.id, false)}
              >
                Reject
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
