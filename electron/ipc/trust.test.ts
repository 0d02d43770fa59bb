import { describe, expect, it } from 'vitest';
import { isAppUrl, isTrustedSender } from './trust';

describe('isAppUrl', () => {
  it('accepts only our bundle', () => {
    expect(isAppUrl('app://bundle/index.html')).toBe(true);
    expect(isAppUrl('app://bundle/assets/x.js?y#z')).toBe(true);
    for (const url of ['app://bundle.evil/index.html', 'app://evil@bundle2/', 'app://x/', 'file:///index.html', 'https://bundle/', 'devtools://devtools/', 'not a url', '']) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });
});

describe('isTrustedSender', () => {
  const mainFrame = { url: 'app://bundle/index.html' };
  const contents = { mainFrame, isDestroyed: () => false };

  it('trusts the main frame of the main window showing our bundle', () => {
    expect(isTrustedSender({ sender: contents, senderFrame: mainFrame }, contents)).toBe(true);
  });

  it('refuses other senders, sub-frames, missing frames, and a destroyed or absent window', () => {
    expect(isTrustedSender({ sender: {}, senderFrame: mainFrame }, contents)).toBe(false);
    expect(isTrustedSender({ sender: contents, senderFrame: { url: 'app://bundle/index.html' } }, contents)).toBe(false);
    expect(isTrustedSender({ sender: contents, senderFrame: null }, contents)).toBe(false);
    expect(isTrustedSender({ sender: contents, senderFrame: mainFrame }, null)).toBe(false);
    const destroyed = { mainFrame, isDestroyed: () => true };
    expect(isTrustedSender({ sender: destroyed, senderFrame: mainFrame }, destroyed)).toBe(false);
  });
});
