// The `helper` command: whose helper it is (--user, or the uid sudo/pkexec recorded), then the helper
// (helperServer.ts) until SIGINT/SIGTERM. The CLI has checked already that this process may read as others.
import type { Command } from '../cli/args';
import { UsageError } from '../cli/args';
import type { Io } from '../cli/main';
import { CredentialsError, userCredentials } from '../threads/credentials';
import { createWorkerSnapshotSource } from '../threads/scanThread';
import { startHelper } from './helperServer';

/** The gid a user without a passwd entry gets the socket's group as (mode 0600: the group has no access anyway). */
const NO_GROUP = 65534;

/** Whose socket it is: --user, else what sudo or pkexec recorded about who asked. */
export function helperUser(given: number | null, env: NodeJS.ProcessEnv): number {
  if (given !== null) return given;
  for (const name of ['SUDO_UID', 'PKEXEC_UID'] as const) {
    const value = env[name];
    if (value !== undefined && /^\d{1,10}$/.test(value) && Number(value) < 0xffffffff) return Number(value);
  }
  throw new UsageError('helper: say whose helper it is with --user UID (sudo and pkexec also tell it through SUDO_UID or PKEXEC_UID)');
}

export async function runHelperUntilSignal(command: Extract<Command, { kind: 'helper' }>, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const uid = helperUser(command.user, env);
  let gid = NO_GROUP;
  try {
    gid = userCredentials(uid).gid;
  } catch (err) {
    if (!(err instanceof CredentialsError)) throw err;
  }
  const log = (line: string) => io.stderr(line + '\n');
  const source = createWorkerSnapshotSource({ scope: command.scope });
  const helper = await startHelper({
    socketPath: command.socket,
    user: { uid, gid },
    scope: command.scope,
    intervalMs: command.intervalMs,
    allowActions: command.allowActions,
    source,
    log,
  }).catch(async (err: unknown) => {
    await source.close();
    throw err;
  });
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.off('SIGHUP', stop);
      log('helper: stopping');
      void helper.close().finally(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    // The terminal sudo ran in was closed.
    process.on('SIGHUP', stop);
  });
  return 0;
}
