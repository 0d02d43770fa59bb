// Graph legibility at the size of one real krb5 user (about 55 nodes): a collection with its primary
// pointer and four caches, each with its principal, time offsets, configuration and tickets, made by
// keyutils' keyctl in this worker's own session keyring. Fitting the whole graph used to zoom out until
// labels and badges were a few pixels high; now it stops at a zoom where they read (graph/fit.ts), with
// the roots in view. The picture is written to test-results/ and attached.
import { expect, test } from '@playwright/test';
import { joinOwnSession, keyctl } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { CHANGE_SEEN_MS, FIRST_SCAN_MS } from './support/page';

let server: RunningServer;
const TICKETS = ['krbtgt/EXAMPLE.TEST@EXAMPLE.TEST', 'HTTP/intranet.example.test@EXAMPLE.TEST', 'nfs/files.example.test@EXAMPLE.TEST', 'host/build.example.test@EXAMPLE.TEST', 'imap/mail.example.test@EXAMPLE.TEST', 'ldap/dc1.example.test@EXAMPLE.TEST', 'cifs/share.example.test@EXAMPLE.TEST', 'postgres/db.example.test@EXAMPLE.TEST'];

test.beforeAll(async () => {
  joinOwnSession();
  const collection = keyctl('newring', '_krb_e2elegible', '@s');
  keyctl('add', 'user', 'krb_ccache:primary', 'x', collection);
  for (const name of ['e2elegible', 'krb_ccache_6C9qzTw', 'krb_ccache_mSVN5i6', 'krb_ccache_Qx7Lm2P']) {
    const cache = keyctl('newring', name, collection);
    for (const d of ['__krb5_princ__', '__krb5_time_offsets__', 'krb5_ccache_conf_data/fast_avail/krbtgt\\/EXAMPLE.TEST\\@EXAMPLE.TEST@X-CACHECONF:', ...TICKETS]) {
      keyctl('add', 'user', d, 'x', cache);
    }
  }
  server = await startServe(['--interval', '1000']);
});

test.afterAll(async () => {
  await server?.stop();
});

test('a graph of about 55 nodes opens at a zoom where labels and badges read, its roots in view', async ({ page }, testInfo) => {
  const url = new URL(server.url);
  url.searchParams.set('view', 'graph');
  await page.goto(url.toString());
  await expect(page.locator('[data-view="graph"] [data-layout-thread]')).toBeAttached({ timeout: FIRST_SCAN_MS });
  const nodes = page.locator('[data-view="graph"] .react-flow__node');
  await expect.poll(async () => nodes.count(), { timeout: CHANGE_SEEN_MS }).toBeGreaterThanOrEqual(50);
  // The viewport's scale (xyflow writes it as a CSS transform), whichever layout (the quick one or the worker's) is shown.
  const zoom = async () => {
    const transform = (await page.locator('[data-view="graph"] .react-flow__viewport').getAttribute('style')) ?? '';
    return Number(/scale\(([\d.]+)\)/.exec(transform)?.[1] ?? 0);
  };
  await expect.poll(zoom, { timeout: CHANGE_SEEN_MS }).toBeGreaterThanOrEqual(0.75);
  // The same measured on screen: a label's line and a badge are as tall as text people read.
  const label = page.locator('[data-view="graph"] .graph-line1').first();
  expect((await label.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(12);
  const badge = page.locator('[data-view="graph"] .graph-line2 .badge').first();
  expect((await badge.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(11);
  // The roots: this process's node is on screen.
  await expect(page.locator('[data-view="graph"] .react-flow__node-process')).toBeInViewport();
  const picture = testInfo.outputPath('graph-55-nodes.png');
  await page.screenshot({ path: picture });
  await testInfo.attach('graph at about 55 nodes', { path: picture, contentType: 'image/png' });
});
