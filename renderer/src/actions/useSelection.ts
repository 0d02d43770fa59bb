// The selected key with what the action dialogs need around it: the key map, the observer, its parents,
// the keyring its selected row sits in, and every keyring this process can see (for pickers).
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { KeyInfo } from '../../../shared/snapshot';
import { useKb } from '../store';
import { useTreeModel } from '../tree/useTreeRows';
import { rowParent } from './consequences';

export function useSelection() {
  const { k, rowId, meta, keys, identity } = useKb(
    useShallow((s) => ({
      k: s.selectedId != null ? s.keys.get(s.selectedId) : undefined,
      rowId: s.selectedRowId,
      meta: s.meta,
      keys: s.keys,
      identity: s.identity,
    })),
  );
  const model = useTreeModel();
  const keyrings = useMemo(() => [...keys.values()].filter((x) => x.type === 'keyring'), [keys]);
  const parents = (k && model?.parents.get(k.id)) || [];
  // The selected row's keyring, while it still links the key (an unlink or move may have just cut it).
  const rowRing = rowParent(rowId, meta?.anchors ?? null);
  const parentOfRow = rowRing != null && parents.includes(rowRing) ? rowRing : null;
  const parentsOf = (id: number): readonly number[] => model?.parents.get(id) ?? [];
  const observer = meta ? { uid: meta.uid, gid: meta.gid, groups: meta.groups } : null;
  return { k: k as KeyInfo | undefined, meta, keys, identity, keyrings, parents, parentOfRow, parentsOf, observer };
}
