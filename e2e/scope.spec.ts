// The toolbar's "This process | All users" in chromium. Against `serve --all-users` it shows the scope and
// that the server reads it, disabled (the command line chose it). The desktop app's main process (which
// answers setScope by connecting to the helper) cannot run here without Electron's binary: its answers
// are played by a WebSocket route in front of a real serve (every other message goes through), to see
// the page offer the helper's command when none runs.
import { expect, test } from '@playwright/test';
import type { Capabilities } from '../shared/api';
import { joinOwnSession } from './support/session';
import { startServe, type RunningServer } from './support/serve';

let server: RunningServer | null = null;
test.beforeAll(() => joinOwnSession());
test.afterEach(async () => {
  await server?.stop();
  server = null;
});

const providerText = (page: import('@playwright/test').Page) => page.getByTestId('scope-provider');

test('serve --all-users: All users, read by the server, not switchable', async ({ page }) => {
  server = await startServe(['--all-users']);
  await page.goto(server.url);
  await expect(providerText(page)).toHaveAttribute('aria-label', /^All users — read by the server \(root, pid \d+\)$/);
  await expect(providerText(page)).toHaveText(/^read by the server \(root, pid \d+\)$/);
  const group = page.getByRole('group', { name: 'Whose keys' });
  await expect(group.getByRole('button', { name: 'All users' })).toHaveAttribute('aria-pressed', 'true');
  await expect(group.getByRole('button', { name: 'This process' })).toBeDisabled();
  await expect(group).toHaveAttribute('title', /scans the scope it was started with/);
  await page.screenshot({ path: 'test-results/scope-serve-all-users.png' });
});

test('the desktop shape: All users without a helper shows why and the command to start one', async ({ page }) => {
  server = await startServe();
  const sudo = 'sudo /usr/bin/node /opt/keyring-browser/bin/keyring-browser helper --socket /run/user/1000/keyring-browser-helper.sock --user 1000';
  let desktop: Capabilities = {
    actionsAllowed: true,
    readOnly: true,
    view: {
      scope: { kind: 'process' },
      provider: { kind: 'process', uid: 1000, pid: 4321 },
      helper: { reason: 'no helper is running: /run/user/1000/keyring-browser-helper.sock does not exist', sudo, pkexec: true },
    },
  };
  await page.routeWebSocket(/\/ws/, (ws) => {
    const real = ws.connectToServer();
    ws.onMessage((message) => {
      const request = JSON.parse(String(message)) as { id: number; method: string };
      if (request.method === 'getCapabilities' || request.method === 'setScope') ws.send(JSON.stringify({ id: request.id, result: desktop }));
      else real.send(message);
    });
  });
  await page.goto(server.url);
  await expect(providerText(page)).toHaveAttribute('aria-label', 'This process — read by this app (uid 1000, pid 4321)');
  await page.getByRole('button', { name: 'All users' }).click();
  const help = page.getByRole('dialog', { name: 'Start the helper' });
  await expect(help).toContainText('no helper is running: /run/user/1000/keyring-browser-helper.sock does not exist');
  await expect(help.locator('pre')).toHaveText(sudo);
  await expect(help.getByRole('button', { name: 'Start with pkexec…' })).toBeVisible();
  await page.screenshot({ path: 'test-results/scope-desktop-no-helper.png' });

  // Main connects once the helper runs: the page shows who provides the view now.
  desktop = { ...desktop, view: { scope: { kind: 'all' }, provider: { kind: 'helper', uid: 0, pid: 4242 } } };
  await help.getByRole('button', { name: 'Connect' }).click();
  await expect(help).toBeHidden();
  await expect(providerText(page)).toHaveText('from the helper (root, pid 4242)');
  await expect(page.getByRole('button', { name: 'All users' })).toHaveAttribute('aria-pressed', 'true');
  await page.screenshot({ path: 'test-results/scope-desktop-helper.png', clip: { x: 0, y: 0, width: 1400, height: 60 } });
});
