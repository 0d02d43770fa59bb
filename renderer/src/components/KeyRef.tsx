// A key named in a panel (a parent keyring, a quota holder): its icon, description and id, as a button that
// selects it and shows it in the tree.
import type { KeyInfo } from '../../../shared/snapshot';
import { revealKey } from '../tree/reveal';
import { hexId } from '../util/format';
import { KeyIcon } from './KeyIcon';

export function KeyRef({ id, k }: { id: number; k: KeyInfo | undefined }) {
  return (
    <button type="button" className="key-link" onClick={() => revealKey(id)} title="Select and show in the tree">
      <KeyIcon type={k?.type ?? 'keyring'} />
      <span className="key-desc" title={k?.description}>
        {k?.description ?? 'not visible'}
      </span>
      <code>{hexId(id)}</code>
    </button>
  );
}
