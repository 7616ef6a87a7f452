// MockTestRunner scenario: failureDays above warningDays must fail before any request.
import { TaskMockRunner } from 'azure-pipelines-task-lib/mock-run';
import { ROTATOR, setAgentEnvironment, TASK_ENTRY } from './scenario-env';

setAgentEnvironment();
const runner = new TaskMockRunner(TASK_ENTRY);
runner.setInput('rotatorConnection', ROTATOR);
runner.setInput('action', 'report');
runner.setInput('warningDays', '10');
runner.setInput('failureDays', '20');
// Any request would go through the clients the front door wires; make it fail loudly if reached.
runner.registerMock('./clients', {
  createClients: () => {
    throw new Error('createClients must not be called for invalid input');
  },
});
runner.run();
