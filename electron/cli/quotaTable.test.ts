import { describe, expect, it } from 'vitest';
import type { QuotaInfo } from '../../shared/snapshot';
import { renderQuotaTable } from './quotaTable';

const q = (uid: number, name: string | null, qnkeys: number, maxkeys: number, qnbytes: number, maxbytes: number): QuotaInfo => ({
  uid, name, usage: qnkeys + 1, nkeys: qnkeys, nikeys: qnkeys, qnkeys, maxkeys, qnbytes, maxbytes,
});

describe('renderQuotaTable', () => {
  const limits = { maxkeys: 200, maxbytes: 20000, rootMaxkeys: 1000000, rootMaxbytes: 25000000 };

  it('prints one aligned row per uid, in uid order, with names, percentages and the state in words', () => {
    const text = renderQuotaTable([q(1000, 'alice', 170, 200, 1700, 20000), q(0, 'root', 3, 1000000, 40, 25000000), q(1234, null, 200, 200, 10, 20000)], limits);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^ *UID {2}USER +KEYS +% +BYTES +% +OWNED +REFS +STATE$/);
    expect(lines[1]).toMatch(/^ +0 {2}root .* ok$/);
    expect(lines[2]).toMatch(/^ *1000 {2}alice +170\/200 +85% +1700\/20000 +8% .*nearly full \(80 % or more\)$/);
    expect(lines[3]).toMatch(/^ *1234 {2}\? +200\/200 +100% .*full: the next add_key gets EDQUOT$/);
    expect(new Set(lines.slice(0, 4).map((l) => l.indexOf('%')))).toHaveProperty('size', 1);
    expect(text).toContain('maxkeys 200, maxbytes 20000 per user; root_maxkeys 1000000, root_maxbytes 25000000 for uid 0.');
  });

  it('says when no uid has keys', () => {
    expect(renderQuotaTable([], limits)).toContain('(no uid has keys)');
  });
});
