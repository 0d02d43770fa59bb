import { describe, expect, it } from 'vitest';
import { splitForMiddleEllipsis } from './middleEllipsis';

describe('splitForMiddleEllipsis', () => {
  it('keeps a Kerberos realm, a path end or the last characters whole', () => {
    expect(splitForMiddleEllipsis('krbtgt/EXAMPLE.TEST@EXAMPLE.TEST')).toEqual(['krbtgt/EXAMPLE.TEST', '@EXAMPLE.TEST']);
    expect(splitForMiddleEllipsis('nfs-idmap-cache/users/alice')).toEqual(['nfs-idmap-cache/users', '/alice']);
    expect(splitForMiddleEllipsis('x'.repeat(40))).toEqual(['x'.repeat(34), 'x'.repeat(6)]);
  });

  it('never splits a short text, and a separator too far from the end does not count', () => {
    expect(splitForMiddleEllipsis('_ses')).toEqual(['_ses', '']);
    const long = `a@${'b'.repeat(40)}`;
    expect(splitForMiddleEllipsis(long)).toEqual([long.slice(0, -6), long.slice(-6)]);
  });
});
