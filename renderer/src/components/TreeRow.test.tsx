import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { k, ring } from '../test/keys';
import type { FlatRow } from '../tree/flatten';
import { TreeRow } from './TreeRow';

afterEach(cleanup);

const noop = () => {};
function renderRow(row: FlatRow, selected = false) {
  return render(
    <div role="tree">
      <TreeRow row={row} index={0} start={0} selected={selected} focused observer={{ uid: 1000, gid: 1000, groups: [] }} onToggle={noop} onActivate={noop} />
    </div>,
  );
}

describe('TreeRow', () => {
  it('carries the decimal id, the flag string and the tree item roles', () => {
    const key = k(0x2d44aa02, 'api-token', { flags: 'IR-Q---', usage: 2 });
    renderRow({ kind: 'key', rowId: 'a:session/1/2', depth: 2, key, anchor: null, parentKeyId: 1, expandable: false, expanded: false, shared: true, cycle: false, match: false, dim: false }, true);
    const item = screen.getByRole('treeitem');
    expect(item.getAttribute('data-key-id')).toBe(String(0x2d44aa02));
    expect(item.getAttribute('data-key-flags')).toBe('IR-Q---');
    expect(item.getAttribute('aria-level')).toBe('3');
    expect(item.getAttribute('aria-selected')).toBe('true');
    expect(item.getAttribute('aria-expanded')).toBeNull();
    expect(item.getAttribute('tabindex')).toBe('0');
    expect(item.textContent).toContain('2d44aa02'); // hex as /proc/keys prints it
    expect(item.textContent).toContain('revoked');
    expect(item.textContent).toContain('shared');
    expect(item.textContent).toContain('alswrv'.replace(/./g, (c) => ('alswrv'.includes(c) ? c : '-')));
  });

  it('marks with ? the permissions only possession grants where possession is unknown, and draws a hollow dot', () => {
    // Possessor: all; user (us): view. Not possessed as far as we can see, and that cannot be told.
    const key = { ...k(0x2d44aa05, 'inside', { perm: 0x3f010000, uid: 1000 }), possessed: false, possessionUnknown: true as const };
    renderRow({ kind: 'key', rowId: 'o:5', depth: 1, key, anchor: null, parentKeyId: null, expandable: false, expanded: false, shared: false, cycle: false, match: false, dim: false });
    const item = screen.getByRole('treeitem');
    expect(item.querySelector('.col-perm')?.textContent).toBe('?????v');
    expect(item.querySelector('.poss-dot.unknown')).not.toBeNull();
    cleanup();
    renderRow({ kind: 'key', rowId: 'o:5', depth: 1, key: { ...key, possessionUnknown: undefined } as never, anchor: null, parentKeyId: null, expandable: false, expanded: false, shared: false, cycle: false, match: false, dim: false });
    expect(screen.getByRole('treeitem').querySelector('.col-perm')?.textContent).toBe('-----v');
  });

  it('labels anchors, says when a keyring is unreadable, and marks expansion', () => {
    const key = ring(0x1ca19b07, '_ses', null);
    renderRow({ kind: 'key', rowId: 'a:session', depth: 1, key, anchor: 'session', parentKeyId: null, expandable: true, expanded: true, shared: false, cycle: false, match: false, dim: false });
    const item = screen.getByRole('treeitem');
    expect(item.textContent).toContain('Session keyring');
    expect(item.textContent).toContain('not readable');
    expect(item.getAttribute('aria-expanded')).toBe('true');
  });

  it('draws the role, the flash and the decimal id it is given, and nothing of them when it is given none', () => {
    const key = k(0x2d44aa03, 'krbtgt/EXAMPLE.COM@EXAMPLE.COM');
    const row: FlatRow = { kind: 'key', rowId: 'a:session/1/3', depth: 2, key, anchor: null, parentKeyId: 1, expandable: false, expanded: false, shared: false, cycle: false, match: false, dim: false };
    const role = { id: 'krb5-ticket', family: 'kerberos', label: 'Kerberos ticket', tag: 'KRB', sentence: 'A ticket.', terms: [] } as const;
    const { container, rerender } = render(
      <div role="tree">
        <TreeRow row={row} index={0} start={0} selected={false} focused={false} observer={null} role={role} highlight={{ kind: 'changed', at: 1 }} decimalIds onToggle={noop} onActivate={noop} />
      </div>,
    );
    expect(container.querySelector('[data-role="krb5-ticket"]')?.textContent).toBe('KRB');
    expect(container.querySelector('.hl-marker.hl-changed')).not.toBeNull();
    expect(container.querySelector('.col-dec')?.textContent).toBe(String(0x2d44aa03));
    rerender(
      <div role="tree">
        <TreeRow row={{ ...row }} index={0} start={0} selected={false} focused={false} observer={null} onToggle={noop} onActivate={noop} />
      </div>,
    );
    expect(container.querySelector('[data-role]')).toBeNull();
    expect(container.querySelector('.hl-marker')).toBeNull();
    expect(container.querySelector('.col-dec')).toBeNull();
  });

  it('shows an absent anchor as none', () => {
    renderRow({ kind: 'anchor-none', rowId: 'a:thread', depth: 1, anchor: 'thread', label: 'Thread keyring', dim: false });
    expect(screen.getByRole('treeitem').textContent).toBe('Thread keyringnone');
  });
});
