// The bundle served as files: nothing outside it, through `..` or through a symlink, and no source maps
// unless asked for.
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSource } from '../service/test/fakeSource';
import { startServer, type RunningServer } from './server';
import { fakeRendererDir, httpGet } from './test/helpers';

let server: RunningServer | null = null;

async function serveDir(dir: string, serveSourceMaps = false): Promise<string> {
  server = await startServer({ port: 0, host: '127.0.0.1', intervalMs: 60_000, allowActions: false, source: new FakeSource(), staticDir: dir, serveSourceMaps });
  return new URL(server.url).origin;
}

afterEach(async () => {
  await server?.close();
  server = null;
});

describe('static files', () => {
  it('does not follow a symlink out of the bundle, to a file or through a folder', async () => {
    const dir = fakeRendererDir();
    const outside = mkdtempSync(join(tmpdir(), 'kb-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'outside the bundle');
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'assets', 'secret.txt'));
    symlinkSync(outside, join(dir, 'assets', 'out'));
    symlinkSync('/etc/passwd', join(dir, 'passwd.txt'));
    // A symlink that stays inside the bundle is fine.
    symlinkSync(join(dir, 'assets', 'app.js'), join(dir, 'alias.js'));
    const origin = await serveDir(dir);
    for (const path of ['/assets/secret.txt', '/assets/out/secret.txt', '/passwd.txt']) {
      const answer = await httpGet(`${origin}${path}`);
      expect(answer.status, path).toBe(404);
      expect(answer.body).not.toMatch(/outside the bundle|root:/);
    }
    const alias = await httpGet(`${origin}/alias.js`);
    expect(alias.status).toBe(200);
    expect(alias.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('serves .map files only in development', async () => {
    const dir = fakeRendererDir();
    writeFileSync(join(dir, 'assets', 'app.js.map'), '{"version":3,"sources":["secret source"]}');
    const origin = await serveDir(dir);
    expect((await httpGet(`${origin}/assets/app.js.map`)).status).toBe(404);
    expect((await httpGet(`${origin}/assets/APP.JS.MAP`)).status).toBe(404);
    await server!.close();
    const dev = await serveDir(dir, true);
    const map = await httpGet(`${dev}/assets/app.js.map`);
    expect(map.status).toBe(200);
    expect(map.body).toContain('secret source');
  });
});
