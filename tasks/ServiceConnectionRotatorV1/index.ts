import { agentHost } from './agent-host';
import { run } from './run';

void run({ host: agentHost() });
