/**
 * Environment shared by the MockTestRunner scenarios: the agent variables and endpoints the task
 * reads, set on process.env before task-lib loads (it snapshots them on first import).
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROTATOR = 'rotator-endpoint';

export function setAgentEnvironment(): void {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'scr-mock-'));
  process.env.AGENT_TEMPDIRECTORY = temp;
  process.env.SYSTEM_COLLECTIONURI = 'https://dev.azure.com/contoso/';
  process.env.SYSTEM_TEAMPROJECT = 'Payments';
  process.env[`ENDPOINT_AUTH_${ROTATOR}`] = JSON.stringify({
    scheme: 'ServicePrincipal',
    parameters: {
      tenantid: 'tenant-1',
      serviceprincipalid: 'app-1',
      serviceprincipalkey: 'mock-rotator-secret',
    },
  });
  process.env[`ENDPOINT_AUTH_SCHEME_${ROTATOR}`] = 'ServicePrincipal';
  process.env.ENDPOINT_AUTH_SYSTEMVSSCONNECTION = JSON.stringify({
    scheme: 'OAuth',
    parameters: { AccessToken: 'mock-job-token' },
  });
}

/** The compiled (not bundled) task entry: module mocks only work on separate CommonJS modules. */
export const TASK_ENTRY = path.join(
  __dirname,
  '..',
  '..',
  '..',
  'tasks',
  'ServiceConnectionRotatorV1',
  'index.js',
);
