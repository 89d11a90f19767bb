import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { openStore } from '../../store';
import { startEmbeddedMongo, startEmbeddedMongoThread, type EmbeddedMongo } from '../../store/embedded';

/** Permission bits of a file, as an octal string ('700'). */
const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

/**
 * The inodes of the TCP sockets this process listens on (Linux: /proc/net/tcp{,6} rows in state
 * 0A, LISTEN, whose inode is one of this process's open file descriptors).
 */
function ownTcpListeners(): Set<string> {
  const own = new Set<string>();
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    let target = '';
    try {
      target = fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // closed since the directory was read
    }
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) own.add(match[1]);
  }
  const listening = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const row of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = row.trim().split(/\s+/);
      if (fields[3] === '0A' && own.has(fields[9])) listening.add(fields[9]);
    }
  }
  return listening;
}

async function ping(uri: string): Promise<unknown> {
  const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 }).connect();
  try {
    return (await client.db('admin').command({ ping: 1 })).ok;
  } finally {
    await client.close();
  }
}

const linuxIt = process.platform === 'linux' ? it : it.skip;

describe('the embedded server is no open door', () => {
  const dirs: string[] = [];
  const servers: EmbeddedMongo[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
  });
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-socket-'));
    dirs.push(dir);
    return dir;
  };
  const started = (server: EmbeddedMongo) => (servers.push(server), server);

  linuxIt('listens on no TCP port by default, in a worker thread or not', async () => {
    const before = ownTcpListeners();
    const inline = started(await startEmbeddedMongo({ memory: true }));
    const threaded = started(await startEmbeddedMongoThread({ memory: true }));
    expect(ownTcpListeners()).toEqual(before);
    expect(inline.tcp).toBeNull();
    expect(threaded.tcp).toBeNull();
    expect(await ping(inline.uri)).toBe(1);
    expect(await ping(threaded.uri)).toBe(1);
  });

  it('serves its data directory on a 0600 socket inside it, tightening the directory to 0700', async () => {
    const dataDir = path.join(tempDir(), 'data');
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    const server = started(await startEmbeddedMongo({ dataDir }));
    const socketPath = path.join(dataDir, 'mongod.sock');
    expect(server.socketPath).toBe(socketPath);
    expect(server.uri).toBe(`mongodb://${encodeURIComponent(socketPath)}/?directConnection=true`);
    expect(fs.statSync(socketPath).isSocket()).toBe(true);
    expect([mode(dataDir), mode(socketPath)]).toEqual(['700', '600']);
    expect(await ping(server.uri)).toBe(1);
    await server.close();
    expect(fs.existsSync(socketPath)).toBe(false);
  });

  it('puts a server in memory on a socket in a private directory that close removes', async () => {
    const server = await startEmbeddedMongoThread({ memory: true });
    const dir = path.dirname(server.socketPath);
    expect(dir.startsWith(os.tmpdir())).toBe(true);
    expect([mode(dir), mode(server.socketPath)]).toEqual(['700', '600']);
    expect(await ping(server.uri)).toBe(1);
    await server.close();
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('links a data directory whose path is too long for a socket to one in a private directory', async () => {
    const dataDir = path.join(tempDir(), 'a-data-directory-whose-path-is-longer-than-a-unix-socket-path'.repeat(2));
    const server = started(await startEmbeddedMongo({ dataDir }));
    const link = path.join(dataDir, 'mongod.sock');
    expect(Buffer.byteLength(link)).toBeGreaterThan(107);
    expect(Buffer.byteLength(server.socketPath)).toBeLessThanOrEqual(107);
    expect(fs.readlinkSync(link)).toBe(server.socketPath);
    expect([mode(dataDir), mode(path.dirname(server.socketPath)), mode(server.socketPath)]).toEqual([
      '700',
      '700',
      '600',
    ]);
    expect(await ping(server.uri)).toBe(1);
    await server.close();
    expect([fs.existsSync(path.dirname(server.socketPath)), fs.existsSync(link)]).toEqual([false, false]);
  });

  it('refuses to start when something other than its socket sits where the socket goes', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'mongod.sock'), 'not a socket');
    await expect(startEmbeddedMongo({ dataDir })).rejects.toThrow(
      `startEmbeddedMongo expected ${path.join(dataDir, 'mongod.sock')} to be its socket or nothing, but found another kind of file.`,
    );
  });

  it('also serves TCP when asked explicitly, from a worker thread too', async () => {
    const inline = started(await startEmbeddedMongo({ memory: true, tcp: true }));
    const threaded = started(await startEmbeddedMongoThread({ memory: true, tcp: { host: '127.0.0.1' } }));
    for (const server of [inline, threaded]) {
      expect(server.tcp!.uri).toBe(`mongodb://127.0.0.1:${server.tcp!.port}/?directConnection=true`);
      expect(await ping(server.tcp!.uri)).toBe(1);
      expect(await ping(server.uri)).toBe(1);
    }
  });

  it('opens the store on the socket, and says where TCP is only when embeddedTcp asks for it', async () => {
    const plain = await openStore({ uri: null, database: 'd', dataDir: '', memory: true });
    const withTcp = await openStore({
      uri: null,
      database: 'd',
      dataDir: '',
      memory: true,
      embeddedTcp: { host: '127.0.0.1', port: 0 },
    });
    try {
      expect(plain.uri).toMatch(/^mongodb:\/\/%2F.+mongod\.sock\/\?directConnection=true$/);
      expect(plain.embeddedTcpUri).toBeNull();
      expect(withTcp.embeddedTcpUri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/\?directConnection=true$/);
      expect(await ping(withTcp.embeddedTcpUri!)).toBe(1);
    } finally {
      await plain.close();
      await withTcp.close();
    }
  });
});
