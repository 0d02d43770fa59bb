// The desktop app's read-only switch lives here in main, not in the page (electron/service/dispatch.ts
// enforces it on every IPC call). Turning it off is the page's request and the person's decision: main
// asks in a native dialog, which the page can neither draw nor answer.
import { dialog, type BrowserWindow } from 'electron';
import { readOnlySwitch, type ReadOnlySwitch } from '../service/dispatch';

/** The window's switch: on at start; off only after the person says yes in the dialog. */
export function windowReadOnlySwitch(window: () => BrowserWindow | null): ReadOnlySwitch {
  return readOnlySwitch(async () => {
    const parent = window();
    const options = {
      type: 'warning' as const,
      title: 'Allow changes to keys?',
      message: 'Allow Keyring Browser to change keys?',
      detail:
        'While read-only is off, the app can add, update, link, unlink, revoke, invalidate and clear keys, ' +
        'and read payloads, with this process\'s permissions. Destructive actions still ask first. ' +
        'Switch read-only back on when you are done.',
      buttons: ['Allow changes', 'Stay read-only'],
      defaultId: 1,
      cancelId: 1,
      noLink: true,
    };
    const answer = parent && !parent.isDestroyed() ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
    return answer.response === 0;
  });
}
