// Runs the search subgraph as a process of its own (production, and under npm start).
import { runSubgraphProcess } from '@shop/federation';
import { loadSearchConfig, startSearchSubgraph } from './index';

runSubgraphProcess('search', loadSearchConfig, startSearchSubgraph);
