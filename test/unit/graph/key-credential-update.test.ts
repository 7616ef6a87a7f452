import assert from 'node:assert/strict';
import { RotatorError } from '../../../lib/errors';
import type { KeyCredentialChange, KeyCredentialEntry } from '../../../lib/graph/key-credential-merge';
import { type KeyCredentialIo, updateKeyCredentials } from '../../../lib/graph/key-credential-update';

const entry = (id: string, key: string | null = `KEY-${id}`): KeyCredentialEntry => ({
  keyId: id,
  key,
  raw: { keyId: id, key, type: 'AsymmetricX509Cert', usage: 'Verify' },
});
const fromRaw = (list: Record<string, unknown>[]): KeyCredentialEntry[] =>
  list.map((r) => ({ keyId: String(r['keyId']), key: (r['key'] as string) ?? null, raw: r }));

/** An app's certificate list behind read/patch, with hooks that misbehave like Graph can. */
class FakeApp implements KeyCredentialIo {
  list: KeyCredentialEntry[];
  readonly calls: string[] = [];
  /** Applied to what a PATCH sends before it is stored (a write that loses a key). */
  mangle: ((list: KeyCredentialEntry[]) => KeyCredentialEntry[]) | null = null;
  patchError: Error | null = null;
  /** Lands the PATCH, then fails it (an answer lost). */
  landThenFail = false;

  constructor(list: KeyCredentialEntry[]) {
    this.list = list;
  }
  async read(): Promise<KeyCredentialEntry[]> {
    this.calls.push('read');
    return this.list.map((e) => ({ ...e }));
  }
  async patch(keyCredentials: Record<string, unknown>[]): Promise<void> {
    this.calls.push(`patch ${keyCredentials.map((k) => k['keyId']).join(',')}`);
    if (this.patchError && !this.landThenFail) throw this.patchError;
    const sent = fromRaw(keyCredentials);
    this.list = this.mangle ? this.mangle(sent) : sent;
    this.mangle = null;
    if (this.patchError) throw this.patchError;
  }
}

const add = (id: string): KeyCredentialChange => ({ kind: 'add', entry: entry(id) });

describe('updateKeyCredentials', () => {
  it('reads, writes every certificate plus ours, and reads back', async () => {
    const app = new FakeApp([entry('a'), entry('b'), entry('c')]);
    const done = await updateKeyCredentials(app, add('n'), 'app X');
    assert.equal(done.written, true);
    assert.deepEqual(app.calls, ['read', 'patch a,b,c,n', 'read']);
    assert.deepEqual(
      app.list.map((e) => e.keyId),
      ['a', 'b', 'c', 'n'],
    );
  });

  it('writes nothing when the change is already in place', async () => {
    const app = new FakeApp([entry('a'), entry('n')]);
    assert.equal((await updateKeyCredentials(app, add('n'), 'app X')).written, false);
    assert.equal(
      (await updateKeyCredentials(app, { kind: 'remove', keyId: 'gone' }, 'app X')).written,
      false,
    );
    assert.deepEqual(app.calls, ['read', 'read']);
  });

  it('writes nothing when a certificate came without its key', async () => {
    const app = new FakeApp([entry('a'), entry('b', null)]);
    await assert.rejects(
      updateKeyCredentials(app, add('n'), 'app X'),
      (e: unknown) =>
        e instanceof RotatorError && e.code === 'graph.key_credentials_unreadable' && /\bb\b/.test(e.message),
    );
    assert.deepEqual(app.calls, ['read']);
  });

  it('puts back a certificate the write lost, leaves ours out, and fails loudly', async () => {
    const app = new FakeApp([entry('a'), entry('b'), entry('c')]);
    app.mangle = (list) => list.filter((e) => e.keyId !== 'b');
    await assert.rejects(
      updateKeyCredentials(app, add('n'), 'app X'),
      (e: unknown) =>
        e instanceof RotatorError &&
        e.code === 'graph.key_credentials_lost' &&
        /removed certificate\(s\) b that had to be kept; they were put back as they were/.test(e.message),
    );
    assert.deepEqual(app.calls, ['read', 'patch a,b,c,n', 'read', 'patch a,c,b', 'read']);
    assert.deepEqual(app.list.map((e) => e.keyId).sort(), ['a', 'b', 'c']);
  });

  it('keeps a certificate someone else added meanwhile when restoring', async () => {
    const app = new FakeApp([entry('a'), entry('b')]);
    app.mangle = (list) => [...list.filter((e) => e.keyId !== 'a'), entry('x')];
    await assert.rejects(updateKeyCredentials(app, add('n'), 'app X'), /had to be kept/);
    assert.deepEqual(app.list.map((e) => e.keyId).sort(), ['a', 'b', 'x']);
  });

  it('says so when putting back fails too', async () => {
    const app = new FakeApp([entry('a'), entry('b')]);
    app.mangle = (list) => list.filter((e) => e.keyId !== 'b');
    const patch = app.patch.bind(app);
    let patches = 0;
    app.patch = async (list) => {
      patches += 1;
      if (patches === 2) throw new RotatorError('graph.failed', 'refused');
      return patch(list);
    };
    await assert.rejects(
      updateKeyCredentials(app, add('n'), 'app X'),
      (e: unknown) =>
        e instanceof RotatorError &&
        e.code === 'graph.key_credentials_lost' &&
        /putting them back failed \(graph\.failed\)/.test(e.message) &&
        /re-upload b/.test(e.fix ?? ''),
    );
  });

  it('judges a PATCH without answer by the read after it, never sending it again', async () => {
    const landed = new FakeApp([entry('a')]);
    landed.patchError = new RotatorError('http.network', 'socket reset');
    landed.landThenFail = true;
    assert.equal((await updateKeyCredentials(landed, add('n'), 'app X')).written, true);
    assert.deepEqual(landed.calls, ['read', 'patch a,n', 'read']);

    const lost = new FakeApp([entry('a')]);
    lost.patchError = new RotatorError('http.network', 'socket reset');
    await assert.rejects(updateKeyCredentials(lost, add('n'), 'app X'), /socket reset/);
    assert.deepEqual(lost.calls, ['read', 'patch a,n', 'read']);
  });
});
