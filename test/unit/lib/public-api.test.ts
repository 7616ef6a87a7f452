import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as api from '../../../lib';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

// The library's runtime exports. Changing this list is a deliberate API change (and a version bump).
const EXPECTED = [
  'AZURE_DEVOPS_RESOURCE_ID',
  'AZURE_DEVOPS_SCOPE',
  'CONCURRENCY_VIOLATION',
  'DEFAULT_MAX_PARALLEL',
  'DEFAULT_RETRY_OPTIONS',
  'DEFAULT_ROTATION_POLICY',
  'DevOpsClient',
  'GraphClient',
  'HttpError',
  'MAX_SECRET_LIFETIME_DAYS',
  'MS_PER_DAY',
  'MS_PER_HOUR',
  'MsalCredentialProver',
  'MsalTokenProvider',
  'RotatorError',
  'WritePacer',
  'applicationKey',
  'attributeCertificate',
  'attributeSecret',
  'backoff',
  'connect',
  'createLimiter',
  'createServiceLimiters',
  'daysLeft',
  'decideRetry',
  'discover',
  'escapeNamePattern',
  'evaluateConnection',
  'executePlan',
  'expiryStatus',
  'formatMarker',
  'graphScope',
  'hasCode',
  'isDefiniteRefusal',
  'isSecretlessScheme',
  'matchesAnyName',
  'matchesName',
  'mergeByConnectionId',
  'notAdminFix',
  'oidcAssertionSource',
  'parseCertificatePem',
  'parseMarker',
  'parseNameFilter',
  'parseProjectFilter',
  'parseRecord',
  'parseServiceConnection',
  'plan',
  'redact',
  'resolveCloud',
  'retryAfterMs',
  'selectProjects',
  'silentLogger',
  'staticTokenProvider',
  'systemClock',
  'userDescription',
  'validatePolicy',
  'validateThresholds',
  'withRecord',
  'worstStatus',
];

describe('public API of lib/index.ts', () => {
  it('exports exactly the pinned names', () => {
    assert.deepEqual(Object.keys(api).sort(), EXPECTED);
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
