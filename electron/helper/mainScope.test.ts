// "This process | All users" as Electron main wires it (main.ts with the stand-in `electron` module), through
// the IPC handlers the page calls: without a helper the capabilities say why and give the command; with a
// real helper (in process, as root, on a private socket) the view is every user's, provided by the helper
// as the kernel names it; the read-only switch still covers actions; a helper that stops puts this
// process's view back, saying so. The page never gets near the socket: it only calls setScope.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Capabilities } from '../../shared/api';
import { ipcChannel, type RpcResult } from '../../shared/protocol';
import { fakeElectron as fake, ipcEvent } from '../ipc/test/fakeElectron';
import { main } from '../main';
import { FakeSource, fakeKey, fakeSnapshot } from '../service/test/fakeSource';
import { startHelper, type RunningHelper } from './helperServer';

vi.mock('electron', () => fake.module);

const rendererDir = mkdtempSync(join(tmpdir(), 'kb-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Keyring Browser</title>');
const socketPath = join(mkdtempSync(join(tmpdir(), 'kb-main-helper-')), 'helper.sock');
let helper: RunningHelper | null = null;

beforeAll(async () => {
  await main({ rendererDir, createSource: () => new FakeSource(fakeSnapshot([fakeKey(111)])), helperSocketPath: socketPath });
});
afterAll(async () => {
  await helper?.close();
});

async function call<T>(method: string, ...args: unknown[]): Promise<RpcResult<T>> {
  const contents = fake.BrowserWindow.instances[0]!.webContents;
  return (await fake.ipcMain.handlers.get(ipcChannel(method as never))!(ipcEvent(contents), ...args)) as RpcResult<T>;
}
async function ok<T>(method: string, ...args: unknown[]): Promise<T> {
  const answer = await call<T>(method, ...args);
  if (!answer.ok) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result;
}

describe('the scope switch in Electron main', () => {
  it("shows this process's keys, read by itself, and says how to start the helper", async () => {
    const caps = await ok<Capabilities>('getCapabilities');
    expect(caps.view).toMatchObject({ scope: { kind: 'process' }, provider: { kind: 'process', uid: 0, pid: process.pid } });
    expect(caps.view?.fixed).toBeUndefined();
    expect(caps.view?.helper?.reason).toBe(`no helper is running: ${socketPath} does not exist`);
    expect(caps.view?.helper?.sudo).toMatch(new RegExp(`^sudo .*bin/keyring-browser helper --socket ${socketPath} --user 0$`));
    expect((await ok<{ snapshot: { keys: { id: number }[] } }>('getSnapshot')).snapshot.keys.map((k) => k.id)).toEqual([111]);
  });

  it('answers All users without a helper with this process still shown and the reason (no wait)', async () => {
    const caps = await ok<Capabilities>('setScope', 'all');
    expect(caps.view?.scope).toEqual({ kind: 'process' });
    expect(caps.view?.helper?.reason).toMatch(/does not exist/);
  });

  it('refuses a scope the switch does not offer before anything runs', async () => {
    expect(await call('setScope', 'uid 7')).toMatchObject({ ok: false, error: { code: 'bad-args' } });
  });

  it("shows every user's keys from a running helper, named by the kernel", async () => {
    helper = await startHelper({
      socketPath,
      user: { uid: 0, gid: 0 },
      scope: { kind: 'all' },
      intervalMs: 1000,
      allowActions: true,
      source: new FakeSource(fakeSnapshot([fakeKey(222), fakeKey(333)])),
      log: () => {},
    });
    const caps = await ok<Capabilities>('setScope', 'all');
    expect(caps.view).toEqual({ scope: { kind: 'all' }, provider: { kind: 'helper', uid: 0, pid: process.pid } });
    expect((await ok<{ snapshot: { keys: { id: number }[] } }>('getSnapshot')).snapshot.keys.map((k) => k.id)).toEqual([222, 333]);
  });

  it("keeps the read-only switch over the helper's actions", async () => {
    expect(await call('revokeKey', 222)).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/read-only switch is on/) } });
  });

  it("goes back to this process's view, saying why, when the helper stops", async () => {
    await helper!.close();
    helper = null;
    await expect.poll(async () => (await ok<Capabilities>('getCapabilities')).view?.scope, { timeout: 10_000 }).toEqual({ kind: 'process' });
    const caps = await ok<Capabilities>('getCapabilities');
    expect(caps.view?.helper?.reason).toMatch(/stopped or closed the connection; showing this process's keys again/);
    expect((await ok<{ snapshot: { keys: { id: number }[] } }>('getSnapshot')).snapshot.keys.map((k) => k.id)).toEqual([111]);
  });
});
