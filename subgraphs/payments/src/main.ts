// Runs the payments subgraph as a process of its own (production, and under npm start).
import { runSubgraphProcess } from '@shop/federation';
import { loadPaymentsConfig, startPaymentsSubgraph } from './index';

runSubgraphProcess('payments', loadPaymentsConfig, startPaymentsSubgraph);
