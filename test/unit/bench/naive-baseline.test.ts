// The benchmark's naive baseline arithmetic (bench/naive-model.ts, bench/lower-bound.ts): the
// 50× budget compares like with like, so the numbers with and without the attribution checks
// must come from the right counts and the right part of the measured run.
import assert from 'node:assert/strict';
import { naiveRequestCount, pipelinedDiscoveryBound } from '../../../bench/lower-bound';
import { fitNaiveModel, naiveMs, predictNaiveMs } from '../../../bench/naive-model';
import type { OrgShape } from '../../../bench/org-shape';

function shape(overrides: Partial<OrgShape> = {}): OrgShape {
  return {
    projects: 500,
    connections: 10_001,
    azureRmConnections: 9_475,
    sharedConnections: 516,
    applications: 6_030,
    appsLookedUp: 6_112,
    wifConnections: 1,
    appsFound: 6_029,
    disabledServicePrincipals: 99,
    naiveGraphGets: 9_340,
    attributionChecks: 1_500,
    naiveAttributionChecks: 1_604,
    ...overrides,
  };
}

describe('bench: the naive baseline with and without the attribution checks', () => {
  it('counts the naive requests: token (2), project pages, one list per project, Graph GETs, and the checks unless told not to', () => {
    const s = shape();
    // 500 projects: pages of 100 end at a short (empty) sixth page.
    const reads = 2 + 6 + 500 + 9_340;
    assert.equal(naiveRequestCount(s, false), reads);
    assert.equal(naiveRequestCount(s), reads + 1_604);
  });

  it('takes a measured run as it is, or less the time its checks took', () => {
    const size = {
      naive: { worker: { wallMs: 27_000, checksMs: 3_600 } },
      naiveRequests: 1_210,
      naiveRequestsUnverified: 1_049,
    };
    assert.deepEqual(naiveMs(size, null), { ms: 27_000, measured: true });
    assert.deepEqual(naiveMs(size, null, false), { ms: 23_400, measured: true });
  });

  it('extrapolates each case at its own request count', () => {
    const model = fitNaiveModel([
      { requests: 116, wallMs: 2_692 },
      { requests: 1_210, wallMs: 27_237 },
    ]);
    assert.ok(model);
    const size = { naive: null, naiveRequests: 11_452, naiveRequestsUnverified: 9_848 };
    assert.deepEqual(naiveMs(size, model), { ms: predictNaiveMs(model, 11_452), measured: false });
    assert.deepEqual(naiveMs(size, model, false), { ms: predictNaiveMs(model, 9_848), measured: false });
    assert.equal(naiveMs(size, null), null);
  });

  it('fits the line through two runs', () => {
    const model = fitNaiveModel([
      { requests: 100, wallMs: 2_100 },
      { requests: 1_100, wallMs: 22_100 },
    ]);
    assert.ok(model);
    assert.equal(model.slopeMs, 20);
    assert.equal(model.interceptMs, 100);
    assert.equal(fitNaiveModel([{ requests: 100, wallMs: 2_100 }]), null);
  });

  it('puts the checks after the pipelined tracks, in waves of maxParallel', () => {
    const with1500 = pipelinedDiscoveryBound(shape(), 20, 8);
    const without = pipelinedDiscoveryBound(shape({ attributionChecks: 0 }), 20, 8);
    assert.equal(with1500.rounds.attributionChecks, Math.ceil(1_500 / 8));
    assert.equal(with1500.totalRounds - without.totalRounds, 188);
    assert.equal(with1500.boundMs, with1500.totalRounds * 20);
  });
});
