/**
 * Bad inputs and environments, as a table: the task tests' cases (`test/task/invalid-input-cases.ts`)
 * plus the rest of the issue's list. Each must fail the bundled task with one error naming the
 * cause; those caught while reading inputs send no request at all, the others (an unknown project,
 * an unreachable Graph) only read: zero writes in every case. The job carries a rotator with a
 * client secret and a PAT input, so the secret scan covers both.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import type { Emulator, OrgDescription } from '../../emulator';
import { agentCommands, hostileOrg, isTaskOwnCommand } from '../task/hostile-org';
import {
  applyChange,
  BASE_INPUTS,
  INVALID_INPUT_CASES,
  type InvalidInputCase,
} from '../task/invalid-input-cases';
import {
  orgWithRotatorVariants,
  ROTATOR_SECRET_CONNECTION,
  stagedTaskDir,
  startFor,
} from '../task/task-harness';
import { FULL } from './support/mode';
import { survived } from './support/table';
import { runTaskJob } from './support/task-runs';

const SECTION = 'bad input';
const CLOSED_PORT_URL = 'https://127.0.0.1:CLOSED';

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Case {
  what: string;
  change: InvalidInputCase[1];
  message: RegExp;
  /** What the task may send before failing: nothing at all, or reads only. */
  requests: 'none' | 'reads';
  /** @default the rotator with a client secret */
  rotator?: 'secret' | 'wif';
  /** Only in the full run (`SCR_RELIABILITY=full`). */
  full?: boolean;
}

const MORE: Case[] = [
  {
    what: 'revokeAfterHours out of range',
    change: { inputs: { revokeAfterHours: '9999' } },
    message: /Input 'revokeAfterHours' has value '9999'/,
    requests: 'none',
  },
  {
    what: 'maxParallel of zero',
    change: { inputs: { maxParallel: '0' } },
    message: /Input 'maxParallel' has value '0'/,
    requests: 'none',
  },
  {
    what: 'empty projects',
    change: { inputs: { projects: ',' } },
    message: /Input 'projects' has value ','/,
    requests: 'none',
  },
  {
    what: 'an unknown automaticConnections',
    change: { inputs: { automaticConnections: 'always' } },
    message: /Input 'automaticConnections' has value 'always'/,
    requests: 'none',
  },
  {
    what: 'an unknown devOpsAuthentication',
    change: { inputs: { devOpsAuthentication: 'basic' } },
    message: /Input 'devOpsAuthentication' has value 'basic'/,
    requests: 'none',
  },
  {
    what: 'secretLifetimeDays not above rotateWithinDays',
    change: { inputs: { rotateWithinDays: '100', secretLifetimeDays: '90' } },
    message: /Input 'secretLifetimeDays' has value '90'.*rotateWithinDays \+ 2/,
    requests: 'none',
  },
  {
    what: 'a graphUrl that is not a URL',
    change: { inputs: { graphUrl: 'graph' } },
    message: /Input 'graphUrl' has value 'graph'/,
    requests: 'none',
  },
  {
    what: 'a graphUrl carrying credentials',
    change: { inputs: { graphUrl: 'https://user:pw@127.0.0.1:1' } },
    message: /Input 'graphUrl' .*without query, fragment or credentials/,
    requests: 'none',
  },
  {
    what: 'a PAT naming an undefined variable',
    change: { inputs: { devOpsAuthentication: 'personalAccessToken', personalAccessToken: '$(RotatorPat)' } },
    message: /Input 'personalAccessToken' has value '\$\(RotatorPat\)'/,
    requests: 'none',
  },
  {
    what: 'a reportPath with an unexpanded variable',
    change: { inputs: { reportPath: '$(Build.StagingDirectory)/r.json' } },
    message: /Input 'reportPath' has value/,
    requests: 'none',
  },
  {
    what: 'an empty rotatorConnection',
    change: { inputs: { rotatorConnection: '' } },
    message: /Input 'rotatorConnection' has value \(empty\)/,
    requests: 'none',
  },
  {
    what: 'a secret rotator connection without its secret',
    change: {
      endpoint: (e) => ({
        ...e,
        parameters: Object.fromEntries(
          Object.entries(e.parameters).filter(([k]) => k !== 'serviceprincipalkey'),
        ),
      }),
    },
    message: /Input 'rotatorConnection' .*with a client secret/,
    requests: 'none',
  },
  {
    what: 'a workload-identity rotator without System.OidcRequestUri',
    change: { variables: { 'System.OidcRequestUri': null } },
    message: /needs System\.OidcRequestUri/,
    requests: 'none',
    rotator: 'wif',
  },
  {
    what: 'job-token mode without a job token',
    change: { withoutJobToken: true },
    message: /'jobToken' but the job has no access token/,
    requests: 'none',
  },
  {
    what: 'a non-HTTPS System.CollectionUri',
    change: { variables: { 'System.CollectionUri': 'http://dev.azure.com/contoso/' } },
    message: /Variable 'System.CollectionUri' has value 'http:\/\/dev\.azure\.com\/contoso\/'/,
    requests: 'none',
  },
  {
    what: 'an unknown project',
    change: { inputs: { projects: 'Platform, Nope' } },
    message: /"projects" input names a project not found .*"Nope"/,
    requests: 'reads',
  },
  {
    what: 'an unreachable Graph URL',
    // Six attempts with backoff (~12 s): the full run only.
    full: true,
    // A port nothing listens on (see `before`).
    change: { inputs: { graphUrl: CLOSED_PORT_URL } },
    message: /could not be looked up in Microsoft Graph \(graph\.batch failed: network error \(refused\)\)/,
    requests: 'reads',
  },
];

const CASES: Case[] = [
  ...INVALID_INPUT_CASES.map(
    ([what, change, message]): Case => ({ what, change, message, requests: 'none' }),
  ),
  ...MORE,
];

describe('reliability: bad inputs and environments fail cleanly', function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let org: OrgDescription;
  let pat: string;
  let closed: string;

  before(async () => {
    stagedTaskDir();
    org = orgWithRotatorVariants();
    pat = (org.identities ?? []).find((i) => i.id === 'dana-admin')?.pat ?? '';
    emulator = await startFor(org);
    closed = String(await closedPort());
  });

  after(async () => {
    await emulator.close();
  });

  it(`has a table of at least 20 cases (${CASES.length})`, () => {
    assert.ok(CASES.length >= 20);
  });

  // The task tests run the shared cases already; the fast subset adds only the others.
  const shared = new Set(INVALID_INPUT_CASES.map(([what]) => what));
  for (const c of CASES.filter((x) => FULL || (!x.full && !shared.has(x.what)))) {
    it(`fails on ${c.what}: names the cause, ${c.requests === 'none' ? 'sends nothing' : 'only reads'}`, async () => {
      emulator.clearRequests();
      const wif = (org.serviceConnections ?? []).find((s) => s.name === 'rotator-wif')!.id;
      const rotatorId = c.rotator === 'wif' ? wif : ROTATOR_SECRET_CONNECTION;
      const run = await runTaskJob({
        section: SECTION,
        emulator,
        org,
        rotatorConnectionId: rotatorId,
        // A PAT in the job (unused unless the case selects PAT mode) must never be printed either.
        inputs: {
          ...BASE_INPUTS,
          ...(c.change.inputs?.devOpsAuthentication ? {} : { personalAccessToken: pat }),
          ...withPort(c.change.inputs, closed),
        },
        adjust: (options) => applyChange(options, rotatorId, { ...c.change, inputs: {} }),
        extraSecrets: [pat],
      });
      const requests = emulator.requests();
      assert.deepEqual(
        requests.filter((r) => r.write),
        [],
        'no write request',
      );
      if (c.requests === 'none') assert.deepEqual(requests, [], 'no request at all');
      assert.equal(run.exitCode, 0, run.stderr);
      assert.equal(run.result, 'Failed');
      assert.match(run.resultMessage ?? '', c.message);
      assert.equal(run.errors.length, 1, 'one error');
      survived(
        SECTION,
        c.what,
        `Failed: "${clip(run.resultMessage ?? '')}"; ${requests.length} request(s), 0 writes`,
      );
    });
  }
});

describe('reliability: an organization whose text carries logging commands', function () {
  this.timeout(120_000);

  it('runs with only its own commands reaching the agent; names exact in the report (secret scan clean)', async () => {
    stagedTaskDir();
    const { org, names, fault } = hostileOrg();
    const hostile = await startFor(org, { propagationDelayMs: 500 });
    try {
      hostile.faults.add(fault);
      const run = await runTaskJob({
        section: SECTION,
        emulator: hostile,
        org,
        inputs: { action: 'rotate', projects: '*' },
      });
      const commands = agentCommands(run);
      const injected = commands.filter((c) => !isTaskOwnCommand(c) || c.at !== 0);
      assert.deepEqual(
        injected.map((c) => c.line),
        [],
      );
      const variables = commands
        .filter((c) => c.command === 'task.setvariable')
        .map((c) => String(c.properties.variable));
      assert.equal(new Set(variables).size, variables.length, 'each output variable set once');
      assert.equal(commands.filter((c) => c.command === 'task.complete').length, 1);
      for (const name of Object.values(names))
        assert.ok(
          run.report?.connections.some((c) => c.name === name),
          name,
        );
      survived(
        SECTION,
        'names, a description, an app name and an error text carrying ##vso commands (setvariable, task.complete, prependpath, artifact.upload)',
        `${commands.length} command(s) reached the agent, all the task's own (${variables.length} setvariable, 1 task.complete, result ${run.result}); names exact in the report`,
      );
    } finally {
      await hostile.close();
    }
  });
});

function withPort(inputs: Record<string, string> | undefined, port: string): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs ?? {}).map(([k, v]) => [k, v.replace('CLOSED', port)]));
}

/** The message, shortened for the table; for a failed run, the part naming the first failure. */
function clip(message: string): string {
  const at = message.indexOf('First failure: ');
  const text = at >= 0 ? message.slice(at) : message;
  return text.length > 110 ? `${text.slice(0, 107)}...` : text;
}
