// The page hears the desktop menu's commands on the engine's own event stream: the api the window is
// bound to (ipc/bindService.ts) is the engine's, with a subscribe that also delivers AppCommands. So a
// command waits, as any push does, until the page says it listens (a file given on the command line
// reaches a page that is still loading).
import type { AppCommand, KeyringApi, KeyringEvent } from '../../shared/api';

export function withCommandStream(api: KeyringApi): { api: KeyringApi; push: (command: AppCommand) => void } {
  const listeners = new Set<(event: KeyringEvent) => void>();
  return {
    api: {
      ...api,
      subscribe(listener) {
        listeners.add(listener);
        const unsubscribe = api.subscribe(listener);
        return () => {
          listeners.delete(listener);
          unsubscribe();
        };
      },
    },
    push: (command) => {
      for (const listener of listeners) listener({ type: 'command', command });
    },
  };
}
