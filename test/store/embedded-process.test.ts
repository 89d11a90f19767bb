import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { MongoClient } from 'mongodb';
import { openStore } from '../../store';
import { DataDirInUseError, startEmbeddedMongo, startEmbeddedMongoProcess } from '../../store/embedded';

const ROOT = path.resolve(__dirname, '../..');

/** Whether a process is still there (signal 0 only asks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The one document of `db.notes` in `dataDir`, read by a server opened in this process. */
async function noteIn(dataDir: string, db: string): Promise<unknown> {
  const reopened = await startEmbeddedMongo({ dataDir });
  const reader = await new MongoClient(reopened.uri).connect();
  try {
    return await reader.db(db).collection('notes').findOne({});
  } finally {
    await reader.close();
    await reopened.close();
  }
}

describe('the embedded server in a process of its own', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-process-'));
    dirs.push(dir);
    return dir;
  };

  it('runs in another process, which is gone once close() resolves, leaving the data file free', async () => {
    const dataDir = tempDir();
    const server = await startEmbeddedMongoProcess({ dataDir });
    expect(server.pid).not.toBe(process.pid);
    expect(alive(server.pid)).toBe(true);
    const client = await new MongoClient(server.uri).connect();
    await client.db('own').collection<{ _id: string }>('notes').insertOne({ _id: 'kept' });
    await client.close();
    await server.close();
    expect(alive(server.pid)).toBe(false);
    // The same directory opens in this process at once: the child closed the file it held.
    expect(await noteIn(dataDir, 'own')).toEqual({ _id: 'kept' });
  });

  it('keeps serving through a stop signal sent to its whole group, until its owner closes it', async () => {
    const server = await startEmbeddedMongoProcess({ memory: true });
    try {
      // systemd's control-group stop, a container's: the hub closes its store after its last writes.
      process.kill(server.pid, 'SIGTERM');
      const client = await new MongoClient(server.uri).connect();
      try {
        expect((await client.db('admin').command({ ping: 1 })).ok).toBe(1);
      } finally {
        await client.close();
      }
    } finally {
      await server.close();
    }
    expect(alive(server.pid)).toBe(false);
  });

  it('refuses a data directory another server holds with the same DataDirInUseError', async () => {
    const dataDir = tempDir();
    const holder = await startEmbeddedMongo({ dataDir });
    try {
      const attempt = startEmbeddedMongoProcess({ dataDir });
      await expect(attempt).rejects.toBeInstanceOf(DataDirInUseError);
      await expect(attempt).rejects.toThrow(path.join(dataDir, 'switchboard.sqlite'));
    } finally {
      await holder.close();
    }
  });

  it('refuses bad options before it starts a process, as in-process does', async () => {
    await expect(startEmbeddedMongoProcess()).rejects.toThrow(/dataDir|memory/);
  });

  it('closes the store and exits when its owner is killed with SIGKILL, keeping what was written', async () => {
    const dataDir = tempDir();
    const owner = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'test/helpers/embedded-process-owner.ts'), dataDir],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const [line] = (await once(createInterface({ input: owner.stdout }), 'line')) as [string];
    const storePid = Number(/^READY (\d+)$/.exec(line)?.[1]);
    expect(storePid).toBeGreaterThan(0);
    // The store removes its socket when it closes: that is the event to wait for.
    const socket = path.join(dataDir, 'mongod.sock');
    expect(fs.existsSync(socket)).toBe(true);
    const socketGone = new Promise<void>((resolve) => {
      const watcher = fs.watch(dataDir, () => {
        if (fs.existsSync(socket)) return;
        watcher.close();
        resolve();
      });
    });
    owner.kill('SIGKILL');
    await once(owner, 'exit');
    await socketGone;
    // Opening the file again proves the orphaned store closed it (it holds an exclusive lock).
    expect(await noteIn(dataDir, 'owner')).toEqual({ _id: 'written-before-the-kill' });
  });

  it('is where openStore runs the embedded server unless told otherwise', async () => {
    const store = await openStore({ uri: null, database: 'where', dataDir: '', memory: true });
    try {
      expect(store.embeddedPid).not.toBeNull();
      expect(store.embeddedPid).not.toBe(process.pid);
      expect((await store.db.command({ ping: 1 })).ok).toBe(1);
    } finally {
      await store.close();
    }
    const inline = await openStore({ uri: null, database: 'where', dataDir: '', memory: true, embeddedIn: 'inline' });
    try {
      expect(inline.embeddedPid).toBe(process.pid);
    } finally {
      await inline.close();
    }
  });
});
