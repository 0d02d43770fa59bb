// Knocking on a helper's Unix socket as a given user: the probe connects, sends an HTTP request and reports what
// came back (or the errno's name). The helper answers the user it serves (a 404 that names /ws) and closes on
// every other peer before a byte.
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { setprivAs } from './throwawayUsers';

const execFileAsync = promisify(execFile);

export interface ProbeAnswer {
  out?: string;
  error?: string;
}

/** The probe as a script for `node -e`, the socket's path its argument; prints its answer as JSON. */
const PROBE = `
const s = require('net').connect(process.argv[1]);
let out = '';
s.on('data', (d) => (out += d));
s.on('connect', () => s.write('GET / HTTP/1.1\\r\\nHost: helper\\r\\nConnection: close\\r\\n\\r\\n'));
s.on('close', () => console.log(JSON.stringify({ out })));
s.on('error', (e) => { console.log(JSON.stringify({ error: e.code })); process.exit(0); });
`;

/** Refused: not one byte came back (the write may fail too, when the helper closed first). */
export function refused(answer: ProbeAnswer): boolean {
  return (answer.out ?? '') === '' && [undefined, 'EPIPE', 'ECONNRESET'].includes(answer.error);
}

/** The probe from this process (as whoever runs the test). */
export function probe(path: string): Promise<ProbeAnswer> {
  return new Promise((done) => {
    const s = connect(path);
    let out = '';
    s.on('data', (d) => (out += d));
    s.on('connect', () => s.write('GET / HTTP/1.1\r\nHost: helper\r\nConnection: close\r\n\r\n'));
    s.on('close', () => done({ out }));
    s.on('error', (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message }));
  });
}

/** The probe as `uid` (setpriv); asynchronous, since a helper under test may answer on this very event loop. */
export async function probeAs(uid: number, path: string, extraSetpriv: string[] = []): Promise<ProbeAnswer> {
  const { stdout } = await execFileAsync('setpriv', [...setprivAs(uid), ...extraSetpriv, process.execPath, '-e', PROBE, path], { encoding: 'utf8' });
  return JSON.parse(stdout) as ProbeAnswer;
}

/** setpriv's arguments that give a probe CAP_DAC_OVERRIDE: past the socket's mode, so only SO_PEERCRED can stop it. */
export const PAST_THE_MODE = ['--inh-caps', '+dac_override', '--ambient-caps', '+dac_override'];
