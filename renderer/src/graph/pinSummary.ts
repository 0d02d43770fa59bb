// A node's pin badge: how many pins of which kind keep the key alive, short enough for a chip
// ("2 links · 1 cred · timer"), with a longer form for its tooltip.
import type { Pin } from '../../../shared/snapshot';
import { counted } from '../../../shared/text';

export interface PinSummary {
  short: string;
  long: string;
  /** Number of distinct pins (each link, each credential reference, the timer, the user). */
  count: number;
}

/** `omitTimer`: the node already shows a countdown, which says the same thing. */
export function pinSummary(pins: readonly Pin[] | undefined, omitTimer = false): PinSummary | null {
  if (pins === undefined) return null;
  let links = 0;
  let creds = 0;
  let timer = false;
  let user = false;
  for (const p of pins) {
    if (p.kind === 'link') links++;
    else if (p.kind === 'credentials') creds += p.count;
    else if (p.kind === 'timer') timer = true;
    else user = true;
  }
  const short: string[] = [];
  const long: string[] = [];
  if (links) {
    short.push(counted(links, 'link'));
    long.push(`${counted(links, 'link')} from keyrings`);
  }
  if (creds) {
    short.push(`${creds} cred`);
    long.push(`${counted(creds, 'reference')} from credentials, open files or the kernel`);
  }
  if (user) {
    short.push('user');
    long.push("the user's processes (a user keyring)");
  }
  if (timer) {
    if (!omitTimer) short.push('timer');
    long.push('an expiry timer');
  }
  const count = links + creds + (user ? 1 : 0);
  if (!long.length) return { short: 'no pins', long: 'Nothing keeps it: the collector will remove it.', count: 0 };
  if (!short.length) return null; // only a timer, and the node shows its countdown
  return { short: short.join(' · '), long: `Kept alive by ${long.join(', ')}.`, count };
}
