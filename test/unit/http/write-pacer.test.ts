import assert from 'node:assert/strict';
import { WritePacer } from '../../../lib/http/write-pacer';
import { FakeClock } from './fake-clock';

describe('WritePacer', () => {
  it('lets a full bucket through at once, then one write per refill interval', async () => {
    const clock = new FakeClock(0);
    // 3 writes per 150 ms: one token every 50 ms.
    const pacer = new WritePacer({ capacity: 3, windowMs: 150, clock });
    const granted: number[] = [];
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        pacer.acquire('tenant-a').then(() => {
          granted.push(clock.now());
          return n;
        }),
      ),
    );
    assert.deepEqual(granted, [0, 0, 0, 50, 100]);
    assert.deepEqual(clock.sleeps, [50, 50]);
  });

  it('defaults to 3,000 writes per 150 s', async () => {
    const clock = new FakeClock(0);
    const pacer = new WritePacer({ clock });
    for (let i = 0; i < 3000; i += 1) await pacer.acquire('t');
    assert.equal(clock.sleeps.length, 0);
    await pacer.acquire('t');
    assert.deepEqual(clock.sleeps, [50]);
  });

  it('keeps one bucket per tenant, case-insensitively', async () => {
    const clock = new FakeClock(0);
    const pacer = new WritePacer({ capacity: 1, windowMs: 1000, clock });
    await pacer.acquire('Tenant-A');
    await pacer.acquire('tenant-b');
    assert.deepEqual(clock.sleeps, []);
    await pacer.acquire('tenant-a');
    assert.deepEqual(clock.sleeps, [1000]);
  });

  it('refills with time, never above capacity', async () => {
    const clock = new FakeClock(0);
    const pacer = new WritePacer({ capacity: 2, windowMs: 100, clock });
    await pacer.acquire('t');
    await pacer.acquire('t');
    assert.equal(pacer.available('t'), 0);
    clock.advance(50);
    assert.equal(pacer.available('t'), 1);
    clock.advance(10_000);
    assert.equal(pacer.available('t'), 2);
  });

  it('a cancelled waiter does not block the next one', async () => {
    const clock = new FakeClock(0);
    const pacer = new WritePacer({ capacity: 1, windowMs: 100, clock });
    await pacer.acquire('t');
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await assert.rejects(pacer.acquire('t', controller.signal), /stop/);
    await pacer.acquire('t');
    assert.deepEqual(clock.sleeps, [100]);
  });
});
