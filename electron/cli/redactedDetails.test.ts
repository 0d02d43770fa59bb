import { describe, expect, it } from 'vitest';
import { addKey, KEY_SPEC } from '../keyring/keyctl';
import { Redactor } from './redactingSource';
import { redactedKeyDetails } from './screenshot';

describe('key details on a redacted page', () => {
  it('answers for the real key under its alias id, and never for a key the page was not shown', () => {
    const real = addKey('user', 'kb-redacted-details', Buffer.from('x'), KEY_SPEC.SESSION);
    const redactor = new Redactor({ uids: 'keep' });
    const alias = redactor.id(real);
    expect(alias).not.toBe(real);
    const details = redactedKeyDetails(redactor, alias);
    expect(details.id).toBe(alias);
    expect(details.securityError).toBeUndefined();
    expect(typeof details.security).toBe('string');
    expect(redactedKeyDetails(redactor, real)).toMatchObject({ id: real, security: null });
  });
});
