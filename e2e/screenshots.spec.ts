// Pictures of the app with a realistic topology built from real keys in this worker's own session keyring.
// They land in test-results/screenshots/; README's picture is copied from there (docs/images/).
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { joinOwnSession, keyctl } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { FIRST_SCAN_MS } from './support/page';

let server: RunningServer;
let ticket: number;

test.beforeAll(async () => {
  joinOwnSession();
  // A Kerberos-like credential cache, an NFS-like id mapping keyring, a container's quota-bound ring.
  const krb = Number(keyctl('newring', 'krb_ccache:KCM_0', '@s'));
  ticket = Number(keyctl('add', 'user', 'krbtgt/EXAMPLE.COM@EXAMPLE.COM', 'ticket-bytes', String(krb)));
  keyctl('timeout', String(ticket), '36000');
  keyctl('add', 'user', '__krb5_princ__', 'alice@EXAMPLE.COM', String(krb));
  const nfs = Number(keyctl('newring', 'nfs-idmap', '@s'));
  keyctl('add', 'user', 'uid:alice@example.com', '1000', String(nfs));
  keyctl('add', 'user', 'gid:staff@example.com', '50', String(nfs));
  const container = Number(keyctl('newring', 'container:web-42', '@s'));
  keyctl('add', 'logon', 'ext4:4a1b2c3d4e5f6071', 'not-a-real-key-000000000000000000000000', String(container));
  const shared = Number(keyctl('add', 'user', 'api-token:registry.example.com', 'token', String(container)));
  keyctl('link', String(shared), String(nfs));
  const old = Number(keyctl('add', 'user', 'vault:lease/db-creds', 'x', '@s'));
  keyctl('revoke', String(old));
  keyctl('add', 'user', 'ssh-agent:id_ed25519', 'x', '@s');
  server = await startServe(['--interval', '1000']);
});

test.afterAll(async () => {
  await server?.stop();
});

test('tree with a realistic topology, a key selected', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(server.url);
  const row = page.locator(`[data-key-id="${ticket}"]`).first();
  await expect(row).toBeVisible({ timeout: FIRST_SCAN_MS });
  await row.click();
  await page.waitForTimeout(500);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(200);
    await page.screenshot({ path: path.join('test-results', 'screenshots', `tree-${scheme}.png`) });
  }
});
