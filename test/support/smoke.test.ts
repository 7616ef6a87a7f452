import assert from 'node:assert/strict';

describe('toolchain', () => {
  it('runs compiled tests under Node 20 or newer', () => {
    const major = Number(process.versions.node.split('.')[0]);
    assert.ok(major >= 20, `node ${process.versions.node}`);
  });
});
