// Payload bytes do not stay in memory: a child process reads a marked payload through the actions'
// readPayload (the path the UI's "Read payload" takes), lets go of the answer, and waits; then this
// (root) process scans every readable mapping of the child's /proc/PID/mem for the marker.
// A control run, where the child deliberately keeps a copy, proves the scan finds what is there.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as keyctl from '../keyring/keyctl';
import { countInProcessMemory } from '../test/processMemory';

const DIST = resolve(__dirname, '..', '..', 'dist', 'electron');

// The child knows only the key's id: the marker reaches it through KEYCTL_READ alone.
const CHILD = `
const { KeyringActions } = require(${JSON.stringify(resolve(DIST, 'service', 'actions.js'))});
class Actions extends KeyringActions {
  latestSnapshot() { return null; }
  async refresh() {}
  async getIdentityNames() { return { users: {}, groups: {} }; }
  timeoutSet() {}
}
const actions = new Actions();
const [id, keep] = [Number(process.argv[1]), process.argv[2] === 'keep'];
actions.readPayload(id).then((answer) => {
  const length = answer.length;
  if (keep) globalThis.kept = Buffer.from(answer.base64, 'base64');
  answer = null;
  global.gc();
  global.gc();
  process.stdout.write('read ' + length + '\\n');
  setInterval(() => {}, 60000);
}, (err) => { process.stderr.write(String(err) + '\\n'); process.exit(1); });
`;

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Starts the child, waits until it has read the payload, and returns its pid. */
function childThatRead(id: number, keep: boolean): Promise<number> {
  const child = spawn(process.execPath, ['--expose-gc', '-e', CHILD, String(id), keep ? 'keep' : 'drop']);
  children.push(child);
  return new Promise((done, fail) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += String(d);
      if (/^read \d+\n/.test(out)) done(child.pid!);
    });
    child.stderr.on('data', (d) => (err += String(d)));
    child.on('exit', (code) => fail(new Error(`child exited ${code}: ${err}`)));
  });
}

/** A user key in this test's session keyring (the child inherits it, so it possesses the key), full of markers. */
function markedKey(marker: Buffer, size: number): number {
  const payload = Buffer.alloc(size, 0x2e);
  for (let at = 0; at + marker.length <= size; at += marker.length * 4) marker.copy(payload, at);
  const id = keyctl.addKey('user', `payload-memory-${size}`, payload, keyctl.KEY_SPEC.SESSION);
  payload.fill(0);
  return id;
}

describe('readPayload leaves no copy of the payload in memory', () => {
  // Small (fits the old 16 KiB scratch buffer) and large (grew it; a user key holds at most 32,767 bytes): both used to stay in the heap.
  for (const size of [200, 30_000]) {
    it(`${size} bytes: no copy once the answer is let go, while a kept copy is found`, async () => {
      const marker = Buffer.from(`KBMARK${randomBytes(12).toString('hex')}`);
      const id = markedKey(marker, size);
      const control = await childThatRead(id, true);
      expect(countInProcessMemory(control, marker), 'the scan finds a copy the child keeps').toBeGreaterThan(0);
      const pid = await childThatRead(id, false);
      expect(countInProcessMemory(pid, marker)).toBe(0);
    });
  }
});
