// startHelper through pkexec, with pkexec stood in for (polkit needs a desktop session): the router waits
// for the socket the started helper makes, then shows all users; a dismissed password dialog (pkexec's
// exit 126) is a sentence, and the view stays this process's.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyringService } from '../service/keyringService';
import { FakeSource, fakeKey, fakeSnapshot } from '../service/test/fakeSource';
import { startHelper, type RunningHelper } from './helperServer';
import { ScopeRouter } from './scopeRouter';

let helper: RunningHelper | null = null;
let local: KeyringService | null = null;
afterEach(async () => {
  await helper?.close();
  await local?.close();
  helper = local = null;
});

function router(runPkexec: (argv: string[]) => { exited: Promise<number | null> }, pkexecPath: string | null = '/usr/bin/pkexec') {
  const socketPath = join(mkdtempSync(join(tmpdir(), 'kb-router-')), 'helper.sock');
  local = new KeyringService({ source: new FakeSource(fakeSnapshot([fakeKey(1)])) });
  return { socketPath, router: new ScopeRouter({ local, uid: 0, socketPath, launcher: ['node', '/app/bin/keyring-browser'], pkexecPath, runPkexec, startWaitMs: 10_000 }) };
}

describe('ScopeRouter.startHelper', () => {
  it('runs pkexec with the helper command, waits for its socket and shows all users', async () => {
    let asked: string[] = [];
    const { socketPath, router: r } = router((argv) => {
      asked = argv;
      // What pkexec would do once the password is given: start the helper (here, in this process).
      setTimeout(() => {
        void startHelper({ socketPath, user: { uid: 0, gid: 0 }, scope: { kind: 'all' }, intervalMs: 1000, allowActions: true, source: new FakeSource(), log: () => {} }).then((h) => (helper = h));
      }, 300);
      return { exited: new Promise(() => {}) };
    });
    const caps = await r.api.startHelper();
    expect(asked).toEqual(['/usr/bin/pkexec', 'node', '/app/bin/keyring-browser', 'helper', '--socket', socketPath, '--user', '0']);
    expect(caps.view).toMatchObject({ scope: { kind: 'all' }, provider: { kind: 'helper', uid: 0 } });
    r.close();
  });

  it('says so when the password dialog was dismissed', async () => {
    const { router: r } = router(() => ({ exited: Promise.resolve(126) }));
    const caps = await r.api.startHelper();
    expect(caps.view?.scope).toEqual({ kind: 'process' });
    expect(caps.view?.helper?.reason).toBe('pkexec did not start the helper: the request was dismissed or not authorized');
    r.close();
  });

  it('is refused where pkexec is not installed, with the sudo command instead', async () => {
    const { router: r } = router(() => ({ exited: Promise.resolve(0) }), null);
    await expect(r.api.startHelper()).rejects.toThrow(/pkexec is not installed here: run the helper in a terminal: sudo node \/app\/bin\/keyring-browser helper --socket/);
    expect((await r.api.getCapabilities()).view?.helper?.pkexec).toBe(false);
    r.close();
  });
});
