// Runs the products subgraph as a process of its own (production, and under npm start).
import { runSubgraphProcess } from '@shop/federation';
import { loadProductsConfig, startProductsSubgraph } from './index';

runSubgraphProcess('products', loadProductsConfig, startProductsSubgraph);
