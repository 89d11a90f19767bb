/**
 * Where the embedded server's Unix domain socket lives. The socket is the server's only door by
 * default: it sits in a directory only the owner may enter (0700) and is itself 0600, so another
 * local user can neither connect nor read the data file beside it. TCP is an explicit option.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The socket's file name; the driver takes a host ending in `.sock` as a socket path. */
export const SOCKET_FILE = 'mongod.sock';

/** Longest socket path the OS accepts: `sun_path` is 108 bytes on Linux, 104 on macOS and the BSDs, NUL included. */
export const MAX_SOCKET_PATH_BYTES = process.platform === 'linux' ? 107 : 103;

/** A place for the socket, prepared; `release` removes what `prepareSocket` created. */
export interface SocketPlace {
  /** The absolute path to listen on. */
  path: string;
  /** When the data directory's path was too long: the link in it that points at `path`. */
  link: string | null;
  release(): void;
}

/** The connection string for a socket path: the path percent-encoded as the host. */
export function socketUri(socketPath: string): string {
  return `mongodb://${encodeURIComponent(socketPath)}/?directConnection=true`;
}

const fits = (socketPath: string) => Buffer.byteLength(socketPath) <= MAX_SOCKET_PATH_BYTES;

/** A fresh private directory (mkdtemp makes it 0700) for a socket, when the data directory cannot hold one. */
function privateTempSocket(why: string): { dir: string; path: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-mongo-'));
  const socketPath = path.join(dir, SOCKET_FILE);
  if (!fits(socketPath)) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `startEmbeddedMongo expected a socket path of at most ${MAX_SOCKET_PATH_BYTES} bytes ${why}, but found ${socketPath} (${Buffer.byteLength(socketPath)} bytes); set TMPDIR to a shorter directory.`,
    );
  }
  return { dir, path: socketPath };
}

/** Removes a leftover socket (or link to one) from a server that was killed; anything else stays and is reported. */
function removeStale(file: string): void {
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isSocket() && !stat.isSymbolicLink())
    throw new Error(`startEmbeddedMongo expected ${file} to be its socket or nothing, but found another kind of file.`);
  fs.unlinkSync(file);
}

/**
 * Prepares the socket's place. With a data directory: `<dataDir>/mongod.sock`, the directory
 * tightened to 0700 (it also holds the data file and the admin token). If that path is longer
 * than the OS allows, the socket goes in a private temporary directory and `<dataDir>/mongod.sock`
 * is a symbolic link to it, so the data directory still shows where the server listens. In memory
 * mode (`dataDir` null): a private temporary directory, removed by `release`.
 *
 * Call it only while holding the data directory (the data file's exclusive lock): it removes a
 * socket left there by a server that was killed.
 */
export function prepareSocket(dataDir: string | null): SocketPlace {
  if (dataDir === null) {
    const temp = privateTempSocket('for a server in memory');
    return { path: temp.path, link: null, release: () => fs.rmSync(temp.dir, { recursive: true, force: true }) };
  }
  const dir = path.resolve(dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const inDataDir = path.join(dir, SOCKET_FILE);
  removeStale(inDataDir);
  if (fits(inDataDir)) {
    return { path: inDataDir, link: null, release: () => fs.rmSync(inDataDir, { force: true }) };
  }
  const temp = privateTempSocket(`(the data directory's own, ${inDataDir}, is too long)`);
  fs.symlinkSync(temp.path, inDataDir);
  return {
    path: temp.path,
    link: inDataDir,
    release: () => {
      fs.rmSync(inDataDir, { force: true });
      fs.rmSync(temp.dir, { recursive: true, force: true });
    },
  };
}
