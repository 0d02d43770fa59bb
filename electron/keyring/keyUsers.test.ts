// /proc/key-users parser: the running kernel (a key handed to a fresh uid with `keyctl chown`, whose
// quota line we then know exactly) and a property-based round trip through the kernel's format.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QuotaInfo } from '../../shared/snapshot';
import { KeyringsUnavailableError } from './keyringsUnavailable';
import { parseKeyUsers, readQuotas } from './keyUsers';

function keyctl(...args: string[]): string {
  return execFileSync('keyctl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trimEnd();
}

const sysctl = (name: string): number => Number(readFileSync(`/proc/sys/kernel/keys/${name}`, 'utf8'));

/** seq_printf("%5u: %5d %d/%d %d/%d %d/%d\n"): the quota fields are unsigned but go through %d. */
function printKeyUser(q: QuotaInfo): string {
  const d = (n: number): string => String(n | 0);
  return (
    `${String(q.uid >>> 0).padStart(5, ' ')}: ${d(q.usage).padStart(5, ' ')} ${d(q.nkeys)}/${d(q.nikeys)} ` +
    `${d(q.qnkeys)}/${d(q.maxkeys)} ${d(q.qnbytes)}/${d(q.maxbytes)}\n`
  );
}

describe('parseKeyUsers on the running kernel', () => {
  it('reads the whole file without errors, root with the root quotas', () => {
    const { quotas, errors } = parseKeyUsers(readFileSync('/proc/key-users', 'utf8'));
    expect(errors).toEqual([]);
    const root = quotas.find((q) => q.uid === 0);
    expect(root?.maxkeys).toBe(sysctl('root_maxkeys'));
    expect(root?.maxbytes).toBe(sysctl('root_maxbytes'));
  });

  it.each([
    ['a small uid', 100_000 + Math.floor(Math.random() * 1_000_000)],
    ['a uid above 2^31', 3_000_000_000 + Math.floor(Math.random() * 1_000_000)],
  ])('gives back the exact quota of %s that owns one key', (_label, uid) => {
    const description = `quota probe ${uid}`;
    const payload = 'twelve bytes';
    const id = keyctl('add', 'user', description, payload, '@s');
    keyctl('chown', id, String(uid)); // moves the key and its quota to the new owner
    const { quotas, errors } = parseKeyUsers(readFileSync('/proc/key-users', 'utf8'));
    expect(errors).toEqual([]);
    const mine = quotas.find((q) => q.uid === uid);
    expect(mine).toEqual({
      uid,
      name: null,
      usage: expect.any(Number) as number,
      nkeys: 1,
      nikeys: 1,
      qnkeys: 1,
      maxkeys: sysctl('maxkeys'),
      // The description with its NUL, plus the payload.
      qnbytes: description.length + 1 + payload.length,
      maxbytes: sysctl('maxbytes'),
    });
    expect(mine?.usage).toBeGreaterThanOrEqual(1);
  });
});

describe('parseKeyUsers properties', () => {
  const uint32 = fc.integer({ min: 0, max: 0xffffffff });
  const int32 = fc.integer({ min: 0, max: 0x7fffffff });
  const quotaArb: fc.Arbitrary<QuotaInfo> = fc.record({
    uid: uint32,
    name: fc.constant(null),
    usage: int32,
    nkeys: int32,
    nikeys: int32,
    qnkeys: uint32,
    maxkeys: uint32,
    qnbytes: uint32,
    maxbytes: uint32,
  });

  it('round-trips every line the kernel can print', () => {
    fc.assert(
      fc.property(fc.array(quotaArb, { maxLength: 30 }), (quotas) => {
        const parsed = parseKeyUsers(quotas.map(printKeyUser).join(''));
        expect(parsed.errors).toEqual([]);
        expect(parsed.quotas).toEqual(quotas);
      }),
      { numRuns: 300 },
    );
  });

  it('reports garbage lines as errors, never throws, and keeps every good line', () => {
    // The filter drops about 1 draw in 10 (the empty string, no line at all): its retries end at once.
    const garbageArb = fc
      .string({ unit: 'binary', maxLength: 60 })
      .map((s) => s.replace(/\n/g, ' '))
      .filter((s) => parseKeyUsers(s).errors.length === 1);
    fc.assert(
      fc.property(fc.array(fc.oneof(quotaArb.map((q) => ({ q })), garbageArb.map((g) => ({ g }))), { maxLength: 30 }), (items) => {
        const text = items.map((x) => ('q' in x ? printKeyUser(x.q) : x.g + '\n')).join('');
        const { quotas, errors } = parseKeyUsers(text);
        expect(quotas).toEqual(items.flatMap((x) => ('q' in x ? [x.q] : [])));
        expect(errors.map((e) => e.line)).toEqual(items.flatMap((x) => ('g' in x ? [x.g] : [])));
        // Each error points at its line, counted from 1 as an editor does.
        expect(errors.map((e) => e.lineNumber)).toEqual(items.flatMap((x, i) => ('g' in x ? [i + 1] : [])));
      }),
      { numRuns: 300 },
    );
  });
});

describe('readQuotas', () => {
  it('reads /proc/key-users with the passwd names', () => {
    const quotas = readQuotas();
    expect(quotas.find((q) => q.uid === 0)?.name).toBe('root');
    expect(quotas.map((q) => q.uid)).toEqual(parseKeyUsers(readFileSync('/proc/key-users', 'utf8')).quotas.map((q) => q.uid));
  });

  it('says why it cannot: no key management in the kernel, or what stopped the read', () => {
    const root = mkdtempSync(join(tmpdir(), 'kb-key-users-'));
    try {
      expect(() => readQuotas(root)).toThrow(KeyringsUnavailableError);
      expect(() => readQuotas(root)).toThrow(`${root}/key-users does not exist: this kernel has no key management (CONFIG_KEYS).`);
      mkdirSync(join(root, 'key-users'));
      expect(() => readQuotas(root)).toThrow(`cannot read ${root}/key-users (EISDIR).`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('names a line it cannot read and says what it expected', () => {
    expect(parseKeyUsers('    0:     3 3/3 3/1000000 60/25000000\nnonsense\n').errors).toEqual([
      { lineNumber: 2, line: 'nonsense', reason: 'not a /proc/key-users line (uid: usage nkeys/nikeys qnkeys/maxkeys qnbytes/maxbytes)' },
    ]);
  });
});
