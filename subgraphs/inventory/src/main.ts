// Runs the inventory subgraph as a process of its own (production, and under npm start).
import { runSubgraphProcess } from '@shop/federation';
import { loadInventoryConfig, startInventorySubgraph } from './index';

runSubgraphProcess('inventory', loadInventoryConfig, startInventorySubgraph);
