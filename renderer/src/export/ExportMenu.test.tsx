// The Export menu: redaction on by default, "Replace uids" only with redaction, and the file it
// downloads is the redacted snapshot unless Redact is switched off.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { initialKbState, useKb } from '../store';
import { k, ring, snap } from '../test/keys';

const downloads: { blob: Blob; filename: string }[] = [];
vi.mock('./download', async (orig) => ({
  ...(await orig<typeof import('./download')>()),
  downloadBlob: (blob: Blob, filename: string) => downloads.push({ blob, filename }),
}));
const { ExportMenu } = await import('./ExportMenu');

beforeEach(() => {
  downloads.length = 0;
  useKb.setState(initialKbState(), true);
  const s = snap([ring(0x10, '_ses', [0x30]), k(0x30, 'very-secret-name')], { session: 0x10 });
  act(() => useKb.getState().loadSnapshot({ seq: 0, snapshot: s }));
});
afterEach(cleanup);

const open = () => fireEvent.click(screen.getByRole('button', { name: 'Export' }));
const check = (name: string) => screen.getByRole('menuitemcheckbox', { name });

describe('ExportMenu', () => {
  it('opens with Redact on and Replace uids off and unavailable without redaction', () => {
    render(<ExportMenu />);
    open();
    expect(check('Redact').getAttribute('aria-checked')).toBe('true');
    expect(check('Replace uids').getAttribute('aria-checked')).toBe('false');
    fireEvent.click(check('Redact'));
    expect(check('Redact').getAttribute('aria-checked')).toBe('false');
    expect(check('Replace uids').getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(check('Replace uids'));
    expect(check('Replace uids').getAttribute('aria-checked')).toBe('false');
  });

  it('downloads the redacted snapshot by default, the real one with Redact off', async () => {
    render(<ExportMenu />);
    open();
    fireEvent.click(screen.getByRole('menuitem', { name: 'Snapshot JSON' }));
    await waitFor(() => expect(downloads).toHaveLength(1));
    expect(downloads[0]!.filename).toMatch(/^keyrings-.*\.json$/);
    const red = await downloads[0]!.blob.text();
    expect(red).not.toContain('very-secret-name');
    expect(red).toContain('user key #1');

    open();
    fireEvent.click(check('Redact'));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Snapshot JSON' }));
    await waitFor(() => expect(downloads).toHaveLength(2));
    expect(await downloads[1]!.blob.text()).toContain('very-secret-name');
  });

  it('closes on Escape and gives focus back to its button', () => {
    render(<ExportMenu />);
    open();
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Export' }));
  });
});
