import assert from 'node:assert/strict';
import {
  checkWrite,
  type KeyCredentialChange,
  type KeyCredentialEntry,
  mergedList,
  parseKeyCredentialEntries,
  restoreList,
  unkeepable,
} from '../../../lib/graph/key-credential-merge';

const entry = (id: string, key: string | null = `KEY-${id}`): KeyCredentialEntry => ({
  keyId: id,
  key,
  raw: {
    customKeyIdentifier: `T-${id}`,
    displayName: `cert ${id}`,
    endDateTime: '2027-01-01T00:00:00Z',
    key,
    keyId: id,
    startDateTime: '2026-01-01T00:00:00Z',
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
  },
});
const ids = (list: readonly Record<string, unknown>[]) => list.map((e) => e['keyId']);
const add = (id: string): KeyCredentialChange => ({ kind: 'add', entry: entry(id) });
const remove = (id: string): KeyCredentialChange => ({ kind: 'remove', keyId: id });

describe('keyCredentials read–merge–write rules', () => {
  it('reads entries with their key, lower-cases keyIds, drops entries without keyId', () => {
    const parsed = parseKeyCredentialEntries({
      keyCredentials: [{ keyId: 'A1', key: 'Zm9v' }, { keyId: 'b2', key: null }, { key: 'x' }, 'junk'],
    });
    assert.deepEqual(
      parsed.map((e) => [e.keyId, e.key]),
      [
        ['a1', 'Zm9v'],
        ['b2', null],
      ],
    );
    assert.deepEqual(parseKeyCredentialEntries({}), []);
    assert.deepEqual(unkeepable(parsed), ['b2']);
  });

  it('sends back every certificate exactly as read, plus the new one', () => {
    const before = [entry('a'), entry('b'), entry('c')];
    const list = mergedList(before, add('n'));
    assert.deepEqual(ids(list), ['a', 'b', 'c', 'n']);
    assert.deepEqual(list[1], before[1]!.raw);
  });

  it('leaves out only the one removed', () => {
    assert.deepEqual(ids(mergedList([entry('a'), entry('b'), entry('c')], remove('B'))), ['a', 'c']);
  });

  it('does not add a certificate twice', () => {
    assert.deepEqual(ids(mergedList([entry('a'), entry('n')], add('n'))), ['a', 'n']);
  });

  it('keeps only writable properties', () => {
    const raw = { ...entry('a').raw, '@odata.type': '#microsoft.graph.keyCredential', extra: 1 };
    const [sent] = mergedList([{ keyId: 'a', key: 'KEY-a', raw }], remove('z'));
    assert.deepEqual(Object.keys(sent!).sort(), [
      'customKeyIdentifier',
      'displayName',
      'endDateTime',
      'key',
      'keyId',
      'startDateTime',
      'type',
      'usage',
    ]);
  });

  const table: Array<
    [string, KeyCredentialEntry[], KeyCredentialEntry[], KeyCredentialChange, boolean, string[], boolean]
  > = [
    // name, before, after, change, ok, vanished, changeMissing
    [
      'add took effect',
      [entry('a'), entry('b')],
      [entry('a'), entry('b'), entry('n')],
      add('n'),
      true,
      [],
      false,
    ],
    [
      'add, someone else added too',
      [entry('a')],
      [entry('a'), entry('x'), entry('n')],
      add('n'),
      true,
      [],
      false,
    ],
    ['add lost another', [entry('a'), entry('b')], [entry('a'), entry('n')], add('n'), false, ['b'], false],
    ['add did not show', [entry('a')], [entry('a')], add('n'), false, [], true],
    [
      'another changed its key',
      [entry('a')],
      [entry('a', 'OTHER'), entry('n')],
      add('n'),
      false,
      ['a'],
      false,
    ],
    ['remove took effect', [entry('a'), entry('o')], [entry('a')], remove('o'), true, [], false],
    [
      'remove lost another',
      [entry('a'), entry('b'), entry('o')],
      [entry('b')],
      remove('o'),
      false,
      ['a'],
      false,
    ],
    ['remove did not show', [entry('a'), entry('o')], [entry('a'), entry('o')], remove('o'), false, [], true],
  ];
  for (const [name, before, after, change, ok, vanished, changeMissing] of table) {
    it(`checks the read after the write: ${name}`, () => {
      assert.deepEqual(checkWrite(before, after, change), { ok, vanished, changeMissing });
    });
  }

  it('restores what vanished, keeps what others added since, and leaves out ours', () => {
    const before = [entry('a'), entry('b'), entry('c')];
    const now = [entry('a'), entry('x'), entry('n')];
    const list = restoreList(before, now, add('n'));
    assert.deepEqual(ids(list), ['a', 'x', 'b', 'c']);
    assert.deepEqual(list[2], before[1]!.raw);
  });

  it('restores a certificate whose key was changed to the key read before', () => {
    const before = [entry('a')];
    const now = [entry('a', 'OTHER'), entry('n')];
    const list = restoreList(before, now, add('n'));
    assert.deepEqual(
      list.map((e) => [e['keyId'], e['key']]),
      [['a', 'KEY-a']],
    );
  });
});
