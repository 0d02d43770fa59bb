// Generated /proc/keys and /proc/key-users lines for the soak's parser fuzz: mostly plausible lines bent
// in the ways a kernel, a truncated read or a hostile file could bend them.
import { pick, type Rand } from '../../shared/seededRandom';

const TYPES = ['user', 'keyring', 'logon', 'big_key', 'asymmetri', '.request_', 'dns_resol', 'rxrpc', 'unknownty', 'x', ''];
const FLAGS = ['I--Q---', 'I------', 'IR-Q---', 'I-DQ---', 'I--Q--i', 'U------', 'I--QN--', 'ZZZZZZZ', 'I--Q-', 'I--Q----', ''];
const TIMEOUTS = ['perm', 'expd', '5s', '59m', '23h', '6d', '52w', '99999999999999999999w', '-1s', '3x', ''];
const WEIRD = ['\u0000', '\uFFFD', '\uD800', '\u00ff\u00fe', 'é', '💥', '\t', '\r', ' '.repeat(40), ':', ';', '%n%s', '9'.repeat(40)];


function number(rand: Rand): string {
  const r = rand();
  if (r < 0.7) return String(Math.floor(rand() * 70000));
  if (r < 0.8) return '9'.repeat(1 + Math.floor(rand() * 30));
  if (r < 0.9) return '-' + String(Math.floor(rand() * 1000));
  return pick(rand, ['', 'x', '0x10', '1e9', 'NaN', '4294967296']);
}

function hex(rand: Rand, digits: number): string {
  let s = '';
  for (let i = 0; i < digits; i++) s += '0123456789abcdef'[Math.floor(rand() * 16)];
  return s;
}

function description(rand: Rand): string {
  const r = rand();
  if (r < 0.6) return `soak-${Math.floor(rand() * 1e6)}: ${pick(rand, ['empty', '1 ', '32', 'negative', String(Math.floor(rand() * 1e9))])}`;
  if (r < 0.7) return 'multi\nline description: 5';
  if (r < 0.79) return 'x'.repeat(Math.floor(rand() * 300));
  if (r < 0.8) return 'x'.repeat(Math.floor(rand() * 5000));
  return Array.from({ length: 1 + Math.floor(rand() * 6) }, () => pick(rand, WEIRD)).join('');
}

/** One /proc/keys line, usually well-formed, often not. */
export function procKeysLine(rand: Rand): string {
  const fields = [
    rand() < 0.95 ? hex(rand, 8) : pick(rand, ['', 'zzzzzzzz', hex(rand, 20)]),
    pick(rand, FLAGS),
    number(rand).padStart(5),
    pick(rand, TIMEOUTS).padStart(4),
    rand() < 0.95 ? hex(rand, 8) : pick(rand, ['', 'ffffffffff', 'perm']),
    number(rand).padStart(5),
    number(rand).padStart(5),
    pick(rand, TYPES).padEnd(9),
    description(rand),
  ];
  let line = fields.join(' ');
  const bend = rand();
  if (bend < 0.1) line = line.slice(0, Math.floor(rand() * line.length)); // truncated read
  else if (bend < 0.15) line = Array.from({ length: Math.floor(rand() * 120) }, () => String.fromCharCode(Math.floor(rand() * 0x2000))).join(''); // garbage
  else if (bend < 0.2) line = Buffer.from(line, 'utf8').toString('latin1'); // bytes read with the wrong decoding
  else if (bend < 0.25) line = line.replace(/ +/g, () => pick(rand, [' ', '  ', '\t', '']));
  return line;
}

/** One /proc/key-users line, usually well-formed, often not. */
export function keyUsersLine(rand: Rand): string {
  let line = `${number(rand).padStart(5)}: ${number(rand).padStart(5)} ${number(rand)}/${number(rand)} ${number(rand)}/${number(rand)} ${number(rand)}/${number(rand)}`;
  const bend = rand();
  if (bend < 0.15) line = line.slice(0, Math.floor(rand() * line.length));
  else if (bend < 0.2) line = Array.from({ length: Math.floor(rand() * 60) }, () => pick(rand, WEIRD)).join('');
  return line;
}
