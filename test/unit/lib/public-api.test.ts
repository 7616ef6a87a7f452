import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as api from '../../../lib';
import * as engine from '../../../lib/engine';
import pkg from '../../../package.json';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

// The front door's runtime exports (`service-connection-rotator`). Changing this list is a
// deliberate API change (and a version bump).
const EXPECTED = [
  'DEFAULT_MAX_PARALLEL',
  'DEFAULT_ROTATION_POLICY',
  'DEFAULT_SCOPE',
  'DEFAULT_THRESHOLDS',
  'HttpError',
  'InvalidInputError',
  'MAX_PARALLEL',
  'MAX_REVOKE_AFTER_HOURS',
  'MAX_ROTATE_WITHIN_DAYS',
  'MAX_SECRET_LIFETIME_DAYS',
  'MAX_THRESHOLD_DAYS',
  'REPORT_ARTIFACT_NAME',
  'REPORT_BUILD_TAG',
  'RotatorError',
  'buildMigrationReport',
  'buildReport',
  'connect',
  'decideMergedResult',
  'decideResult',
  'describeProblem',
  'escapeControlCharacters',
  'hasCode',
  'logSafe',
  'mergeReports',
  'neutraliseLoggingCommands',
  'noProxyBypass',
  'oneOf',
  'redact',
  'renderMergedSummary',
  'renderSummary',
  'reportContainerFolder',
  'reportTotals',
  'systemClock',
  'worstFirst',
  'yesNo',
];

// The engine subpath's runtime exports (`service-connection-rotator/engine`), pinned the same way.
const ENGINE = [
  'AZURE_DEVOPS_APP_SEGMENT',
  'AZURE_DEVOPS_ISSUER_PREFIX',
  'AZURE_DEVOPS_RESOURCE_ID',
  'AZURE_DEVOPS_SCOPE',
  'CONCURRENCY_VIOLATION',
  'DEFAULT_MAX_IN_PROGRESS',
  'DEFAULT_MAX_PARALLEL',
  'DEFAULT_RETRY_OPTIONS',
  'DEFAULT_ROTATION_POLICY',
  'DEFAULT_THRESHOLDS',
  'DevOpsClient',
  'GraphClient',
  'HttpError',
  'ISSUER_RETIREMENT',
  'ISSUER_RETIREMENT_MS',
  'InvalidInputError',
  'MAX_FEDERATED_CREDENTIALS',
  'MAX_REVOKE_AFTER_HOURS',
  'MAX_ROTATE_WITHIN_DAYS',
  'MAX_SECRET_LIFETIME_DAYS',
  'MAX_THRESHOLD_DAYS',
  'MS_PER_DAY',
  'MS_PER_HOUR',
  'MsalCredentialProver',
  'MsalTokenProvider',
  'Network',
  'PUBLIC_AUTHORITY_HOST',
  'PropagationSchedule',
  'ProxyFailureError',
  'RotatorError',
  'TOKEN_EXCHANGE_AUDIENCE',
  'VISUAL_STUDIO_ISSUER',
  'WritePacer',
  'applicationKey',
  'applyAttributionCheck',
  'attributeCertificate',
  'attributeSecret',
  'azureDevOpsIssuer',
  'azureDevOpsSubject',
  'backoff',
  'classifyIssuer',
  'createClients',
  'createLimiter',
  'createServiceLimiters',
  'daysLeft',
  'decideRetry',
  'describeProblem',
  'discover',
  'encodeGuid',
  'ensureFederatedCredential',
  'entraIssuer',
  'entraSubject',
  'escapeNamePattern',
  'evaluateConnection',
  'executeMigration',
  'executePlan',
  'expiryStatus',
  'ficNameFor',
  'formatFicDescription',
  'formatMarker',
  'graphScope',
  'guidBytes',
  'guidFromBytes',
  'handOffIssuerSwitch',
  'hasCode',
  'httpsBaseUrl',
  'isAzureDevOpsIssuer',
  'isDefiniteRefusal',
  'isGuid',
  'isSecretlessScheme',
  'matchesAnyName',
  'matchesName',
  'mergeByConnectionId',
  'migrationSkip',
  'needsAttributionCheck',
  'notAdminFix',
  'oidcAssertionSource',
  'oneOf',
  'parseAzureDevOpsSubject',
  'parseCertificatePem',
  'parseEntraSubject',
  'parseMarker',
  'parseNameFilter',
  'parsePolicy',
  'parseProjectFilter',
  'parseRecord',
  'parseServiceConnection',
  'parseThresholds',
  'plan',
  'planMigration',
  'planRevert',
  'portalUrl',
  'redact',
  'replacedFic',
  'required',
  'resolveCloud',
  'retryAfterMs',
  'selectProjects',
  'silentLogger',
  'splitList',
  'staticTokenProvider',
  'surveyMigration',
  'systemClock',
  'userDescription',
  'wholeNumber',
  'withRecord',
  'worstStatus',
  'yesNo',
];

describe('public API of lib/index.ts', () => {
  it('exports exactly the pinned names', () => {
    assert.deepEqual(Object.keys(api).sort(), EXPECTED);
  });

  it('exposes the engine as the documented subpath, exporting exactly its pinned names', () => {
    assert.deepEqual(Object.keys(engine).sort(), ENGINE);
    assert.deepEqual(Object.keys(pkg.exports), ['.', './engine', './package.json']);
    assert.equal(pkg.exports['./engine'].require, './dist/lib/engine.js');
  });

  it('is the only part of the library the task imports', () => {
    const offenders: string[] = [];
    const dir = path.join(ROOT, 'tasks', 'ServiceConnectionRotatorV1');
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      for (const match of fs
        .readFileSync(path.join(dir, file), 'utf8')
        .matchAll(/from '(\.\.\/\.\.\/lib[^']*)'/g)) {
        if (match[1] !== '../../lib') offenders.push(`${file}: ${match[1]}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('loads without azure-pipelines-task-lib', () => {
    const script =
      "require('./dist/lib');" +
      "process.stdout.write(String(Object.keys(require.cache).filter((f) => f.includes('azure-pipelines-task-lib')).length))";
    const out = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(out, '0');
  });

  it('never reads process.env, prints, or imports the task library (spec §2)', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts')) {
          fs.readFileSync(file, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              const code = line.replace(/\/\/.*$/, '');
              if (/process\.env|console\.|process\.std(out|err)|azure-pipelines-task-lib/.test(code)) {
                offenders.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
              }
            });
        }
      }
    };
    walk(path.join(ROOT, 'lib'));
    assert.deepEqual(offenders, []);
  });
});
