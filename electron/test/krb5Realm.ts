// A throwaway MIT Kerberos realm for tests: its config, database and KDC live in a temporary directory,
// the KDC listens on 127.0.0.1 on a port nobody uses, and stop() ends it by its PID. Debian's krb5-kdc and
// krb5-user provide the programs (.ci/run installs them).
import { execFileSync, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REALM = 'EXAMPLE.TEST';
export const PASSWORD = 'kb-test-password';

export interface Krb5Realm {
  dir: string;
  port: number;
  kdcPid: number;
  /** KRB5_CONFIG and KRB5_KDC_PROFILE, plus TZ=UTC and LC_ALL=C so klist prints parseable times. */
  env: NodeJS.ProcessEnv;
  /** Runs a krb5 client program in the realm; throws with its stderr on failure. */
  run(program: string, args: string[], options?: { input?: string; ccache?: string }): string;
  stop(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The pid the daemonised KDC writes. krb5kdc's parent exits before its child has written the file, so it
 * may be missing or empty at first: an empty file read as Number('') is 0, and kill(0) would signal this
 * whole process group (the test run and CI with it). Only a pid above 1 is ever taken.
 */
async function daemonPid(pidFile: string, deadline: number): Promise<number> {
  for (;;) {
    let text = '';
    try {
      text = readFileSync(pidFile, 'utf8').trim();
    } catch {
      // not written yet
    }
    const pid = /^\d+$/.test(text) ? Number(text) : 0;
    if (pid > 1) return pid;
    if (Date.now() > deadline) throw new Error(`the KDC wrote no pid to ${pidFile} (read ${JSON.stringify(text)})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function listening(port: number, deadline: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the KDC did not listen on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Creates the realm (alice with a password; host/localhost and HTTP/localhost services) and starts its KDC. */
export async function startRealm(): Promise<Krb5Realm> {
  const dir = mkdtempSync(join(tmpdir(), 'kb-krb5-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'krb5.conf'),
    `[libdefaults]
  default_realm = ${REALM}
  dns_lookup_kdc = false
  dns_lookup_realm = false
  rdns = false
  default_ccache_name = KEYRING:persistent:%{uid}
[realms]
  ${REALM} = {
    kdc = 127.0.0.1:${port}
  }
`,
  );
  writeFileSync(
    join(dir, 'kdc.conf'),
    `[kdcdefaults]
  kdc_listen = 127.0.0.1:${port}
  kdc_tcp_listen = 127.0.0.1:${port}
[realms]
  ${REALM} = {
    database_name = ${dir}/principal
    key_stash_file = ${dir}/stash
    acl_file = ${dir}/kadm5.acl
    max_life = 10h
    max_renewable_life = 7d
  }
[logging]
  kdc = FILE:${dir}/kdc.log
`,
  );
  const env: NodeJS.ProcessEnv = { ...process.env, KRB5_CONFIG: join(dir, 'krb5.conf'), KRB5_KDC_PROFILE: join(dir, 'kdc.conf'), TZ: 'UTC', LC_ALL: 'C' };
  const quiet: SpawnSyncOptions = { env, stdio: ['ignore', 'pipe', 'pipe'] };
  execFileSync('kdb5_util', ['create', '-s', '-r', REALM, '-P', 'kb-master-password'], quiet);
  execFileSync('kadmin.local', ['-q', `addprinc -pw ${PASSWORD} alice`], quiet);
  execFileSync('kadmin.local', ['-q', 'addprinc -randkey host/localhost'], quiet);
  execFileSync('kadmin.local', ['-q', 'addprinc -randkey HTTP/localhost'], quiet);
  const pidFile = join(dir, 'kdc.pid');
  execFileSync('krb5kdc', ['-P', pidFile, '-r', REALM], quiet);
  const kdcPid = await daemonPid(pidFile, Date.now() + 10_000);
  await listening(port, Date.now() + 10_000);

  return {
    dir,
    port,
    kdcPid,
    env,
    run(program, args, options = {}) {
      const result = spawnSync(program, args, {
        env: options.ccache === undefined ? env : { ...env, KRB5CCNAME: options.ccache },
        input: options.input,
        encoding: 'utf8',
      });
      if (result.status !== 0) throw new Error(`${program} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
      return result.stdout;
    },
    stop() {
      try {
        process.kill(kdcPid, 'SIGTERM');
      } catch {
        // already gone
      }
      // Wait (up to 5 s) until it has exited, so a caller can check that it is gone.
      const pause = new Int32Array(new SharedArrayBuffer(4));
      for (let i = 0; i < 100 && alive(kdcPid); i++) Atomics.wait(pause, 0, 0, 50);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
