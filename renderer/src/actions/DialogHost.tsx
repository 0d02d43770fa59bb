// Renders the one open action dialog.
import { useActions } from './actionsStore';
import { ConfirmDialog } from './dialogs/ConfirmDialogs';
import { AddKeyDialog, ChownDialog, TimeoutDialog, UpdateDialog } from './dialogs/KeyDialogs';
import { PermDialog } from './dialogs/PermDialog';
import { LinkDialog, MoveDialog, PersistentDialog, SearchDialog } from './dialogs/RingDialogs';

export function DialogHost() {
  const dialog = useActions((s) => s.dialog);
  if (!dialog) return null;
  switch (dialog.action) {
    case 'Add key':
      return <AddKeyDialog />;
    case 'Update':
      return <UpdateDialog />;
    case 'Link':
      return <LinkDialog target={dialog.target} />;
    case 'Move':
      return <MoveDialog target={dialog.target} />;
    case 'Unlink':
    case 'Revoke':
    case 'Invalidate':
    case 'Clear':
      return <ConfirmDialog key={dialog.action} action={dialog.action} />;
    case 'Set timeout':
      return <TimeoutDialog />;
    case 'Set permissions':
      return <PermDialog />;
    case 'Change owner':
      return <ChownDialog />;
    case 'Search':
      return <SearchDialog />;
    case 'Get persistent keyring':
      return <PersistentDialog />;
    case 'Read payload':
      return null;
  }
}
