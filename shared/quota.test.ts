import { describe, expect, it } from 'vitest';
import { quotaLevel, quotaPercent, userLabel, worstQuotaLevel } from './quota';

describe('quota levels', () => {
  it('is amber from 80 %, red from 95 %, full at 100 %', () => {
    expect(quotaLevel(159, 200)).toBe('ok');
    expect(quotaLevel(160, 200)).toBe('warn');
    expect(quotaLevel(170, 200)).toBe('warn');
    expect(quotaPercent(170, 200)).toBe(85);
    expect(quotaLevel(190, 200)).toBe('critical');
    expect(quotaLevel(199, 200)).toBe('critical');
    expect(quotaLevel(200, 200)).toBe('full');
    expect(quotaLevel(201, 200)).toBe('full'); // a limit lowered below the usage
  });

  it('rounds down so nearly full is not shown as 100 %', () => {
    expect(quotaPercent(19999, 20000)).toBe(99);
  });

  it('treats a zero limit as full once anything is used', () => {
    expect(quotaLevel(0, 0)).toBe('ok');
    expect(quotaLevel(1, 0)).toBe('full');
  });

  it('takes the worse of keys and bytes', () => {
    expect(worstQuotaLevel({ qnkeys: 10, maxkeys: 200, qnbytes: 19500, maxbytes: 20000 })).toBe('critical');
    expect(worstQuotaLevel({ qnkeys: 200, maxkeys: 200, qnbytes: 0, maxbytes: 20000 })).toBe('full');
  });

  it('names a user by name and uid', () => {
    expect(userLabel(1000, 'alice')).toBe('alice (uid 1000)');
    expect(userLabel(1234, null)).toBe('uid 1234');
  });
});
