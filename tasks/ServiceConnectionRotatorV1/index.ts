import { agentHost } from './agent-host';
import { run } from './run';

// The agent cancels a job (or ends it at its timeout) with SIGINT, then SIGTERM, then kills it a
// few seconds later. The first signal asks the run to stop and publish what it did; a second one
// of the same kind gets Node's default (the process ends at once).
const cancel = new AbortController();
for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.once(name, () => cancel.abort(new Error(`cancelled by ${name}`)));
}

void run({ host: agentHost(), signal: cancel.signal });
