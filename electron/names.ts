// uid/gid → names for the details panel, from /etc/passwd and /etc/group of the engine's host.
// Read on each request: the files are small and may change while the app runs.
import type * as FsPromises from 'node:fs/promises';
import type { IdentityNames } from '../shared/api';

/** Parses passwd- or group-style lines (`name:x:id:...`) into id → name; the first name for an id wins. */
export function parseIdFile(text: string): Record<number, string> {
  const names: Record<number, string> = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(':');
    const name = fields[0];
    const id = Number(fields[2]);
    if (!name || fields[2] === undefined || fields[2] === '' || !Number.isInteger(id) || id < 0) continue;
    if (!(id in names)) names[id] = name;
  }
  return names;
}

async function readOrEmpty(path: string): Promise<string> {
  try {
    // Loaded here: the one-shot CLI imports this module (parseIdFile) and would pay for node:fs/promises (Node's
    // streams and readline: ~8 ms of CPU at start) without using it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return await (require('node:fs/promises') as typeof FsPromises).readFile(path, 'utf8');
  } catch {
    // A host without the file (a minimal container) simply has no names: ids are shown as numbers.
    return '';
  }
}

export async function readIdentityNames(
  paths: { passwd: string; group: string } = { passwd: '/etc/passwd', group: '/etc/group' },
): Promise<IdentityNames> {
  const [passwd, group] = await Promise.all([readOrEmpty(paths.passwd), readOrEmpty(paths.group)]);
  return { users: parseIdFile(passwd), groups: parseIdFile(group) };
}
