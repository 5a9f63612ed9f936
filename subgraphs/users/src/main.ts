// Runs the users subgraph as a process of its own (production, and under npm start).
import { runSubgraphProcess } from '@shop/federation';
import { loadUsersConfig, startUsersSubgraph } from './index';

runSubgraphProcess('users', loadUsersConfig, startUsersSubgraph);
