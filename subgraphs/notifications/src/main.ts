// Runs the notifications subgraph as a process of its own (production, and under npm start).
import { runSubgraphProcess } from '@shop/federation';
import { loadNotificationsConfig, startNotificationsSubgraph } from './index';

runSubgraphProcess('notifications', loadNotificationsConfig, startNotificationsSubgraph);
