// Who is at the other end of a Unix socket, as the kernel recorded it when the connection was made
// (SO_PEERCRED: the peer's pid, uid and gid at connect() or listen() time). The privileged helper refuses
// every peer but its user with it; Electron main checks with it that the helper is root. The kernel's
// answer, not anything the peer says about itself.
import type { Socket } from 'node:net';
import { errnoName } from '../keyring/keyctlError';
import { koffi, libc } from '../keyring/libc';

export interface PeerCredentials {
  pid: number;
  uid: number;
  gid: number;
}

/** SOL_SOCKET and SO_PEERCRED (include/uapi/asm-generic/socket.h: the same on x86_64 and arm64). */
const SOL_SOCKET = 1;
const SO_PEERCRED = 17;
/** struct ucred { pid_t pid; uid_t uid; gid_t gid; } */
const UCRED_SIZE = 12;

let getsockopt: ((fd: number, level: number, name: number, value: Buffer, length: Buffer) => number) | null = null;

/** The credentials of the peer of the Unix socket `fd`. Throws with the errno name when the kernel refuses. */
export function peerCredentialsOfFd(fd: number): PeerCredentials {
  getsockopt ??= libc().func('int getsockopt(int fd, int level, int optname, void *optval, void *optlen)');
  const value = Buffer.alloc(UCRED_SIZE);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(UCRED_SIZE);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, value, length) !== 0) {
    throw new Error(`getsockopt(SO_PEERCRED) failed: ${errnoName(koffi.errno())}`);
  }
  return { pid: value.readInt32LE(0), uid: value.readUInt32LE(4), gid: value.readUInt32LE(8) };
}

/** The peer of a connected Unix socket, or null when the socket has no descriptor (already closed). */
export function peerCredentials(socket: Socket): PeerCredentials | null {
  // A Unix socket's libuv handle (a Pipe) exposes its descriptor; Node has no public API for SO_PEERCRED.
  const fd = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) return null;
  return peerCredentialsOfFd(fd);
}
