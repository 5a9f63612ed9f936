// Runs the orders subgraph as a process of its own (production, and under npm start).
import { runSubgraphProcess } from '@shop/federation';
import { loadOrdersConfig, startOrdersSubgraph } from './index';

runSubgraphProcess('orders', loadOrdersConfig, startOrdersSubgraph);
