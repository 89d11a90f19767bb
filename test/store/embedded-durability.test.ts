import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MongoClient, MongoServerError } from 'mongodb';
import { startEmbeddedMongo } from '../../store/embedded';
import type { TestDoc } from '../helpers/embedded-suite';

const ROOT = path.resolve(__dirname, '../..');

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sb-embedded-'));
}

async function withClient<T>(uri: string, fn: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = await new MongoClient(uri).connect();
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

describe('the embedded server on disk', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  const dir = () => {
    const d = tempDir();
    dirs.push(d);
    return d;
  };

  it('keeps documents, indexes and unique constraints across a restart on the same dataDir', async () => {
    const dataDir = path.join(dir(), 'nested', 'data');
    const first = await startEmbeddedMongo({ dataDir });
    await withClient(first.uri, async (client) => {
      const customers = client.db('hub').collection<TestDoc>('customers');
      await customers.createIndex({ email: 1 }, { unique: true });
      await customers.insertMany([
        { _id: 'c1', email: 'a@x', at: new Date(1) },
        { _id: 'c2', email: 'b@x' },
      ]);
      await customers.updateOne({ _id: 'c2' }, { $set: { vip: true } });
    });
    await first.close();
    expect(fs.existsSync(path.join(dataDir, 'switchboard.sqlite'))).toBe(true);

    const second = await startEmbeddedMongo({ dataDir });
    try {
      await withClient(second.uri, async (client) => {
        const customers = client.db('hub').collection<TestDoc>('customers');
        expect(await customers.find().sort({ _id: 1 }).toArray()).toEqual([
          { _id: 'c1', email: 'a@x', at: new Date(1) },
          { _id: 'c2', email: 'b@x', vip: true },
        ]);
        expect((await customers.indexes()).map((i) => i.name)).toEqual(['_id_', 'email_1']);
        await expect(customers.insertOne({ email: 'a@x' })).rejects.toMatchObject({ code: 11000 });
        expect(
          (await client.db('admin').admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name),
        ).toContain('hub');
      });
    } finally {
      await second.close();
    }
  });

  it('keeps a collection whose first inserted document was refused, across a restart', async () => {
    const dataDir = dir();
    const first = await startEmbeddedMongo({ dataDir });
    await withClient(first.uri, async (client) => {
      const fresh = client.db('hub').collection<TestDoc>('fresh');
      // The refused document rolls back the savepoint that created the collection.
      await expect(
        fresh.insertMany([{ _id: [1] as unknown as number }, { _id: 2 }], { ordered: false }),
      ).rejects.toMatchObject({ code: 53 });
      expect(await fresh.countDocuments()).toBe(1);
    });
    await first.close();
    const second = await startEmbeddedMongo({ dataDir });
    try {
      await withClient(second.uri, async (client) => {
        expect((await client.db('hub').listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name)).toEqual([
          'fresh',
        ]);
        expect(await client.db('hub').collection('fresh').countDocuments()).toBe(1);
      });
    } finally {
      await second.close();
    }
  });

  it('refuses a second server on a data directory that is in use', async () => {
    const dataDir = dir();
    const first = await startEmbeddedMongo({ dataDir });
    try {
      await expect(startEmbeddedMongo({ dataDir })).rejects.toThrow(
        `startEmbeddedMongo expected exclusive use of ${path.join(dataDir, 'switchboard.sqlite')}, but another process (or another embedded server) has it open.`,
      );
    } finally {
      await first.close();
    }
    const again = await startEmbeddedMongo({ dataDir });
    await again.close();
  });

  it('keeps every acknowledged write when the process is killed with SIGKILL', async () => {
    const dataDir = dir();
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'test/helpers/embedded-sigkill-child.ts'), dataDir],
      {
        cwd: ROOT,
        env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const acked: number[] = [];
    let stderr = '';
    let buffered = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^ACKED (\d+)$/.exec(line);
        if (match) acked.push(Number(match[1]));
      }
      // Kill right after an acknowledgement, while the next writes are in flight.
      if (acked.length >= 300 && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on('close', (code, signal) => resolve({ code, signal }));
    });
    expect({ signal: exit.signal, stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
    expect(acked.length).toBeGreaterThanOrEqual(300);
    const last = Math.max(...acked);

    const server = await startEmbeddedMongo({ dataDir });
    try {
      await withClient(server.uri, async (client) => {
        const acks = client.db('durability').collection<{ _id: number | string; last?: number }>('acks');
        const ids = new Set(
          (await acks.find({ _id: { $lte: last } }, { projection: { _id: 1 } }).toArray()).map((d) => d._id),
        );
        const missing = acked.filter((n) => !ids.has(n));
        expect(missing).toEqual([]);
        expect((await acks.findOne({ _id: 'counter' }))?.last).toBeGreaterThanOrEqual(last);
      });
    } finally {
      await server.close();
    }
  });

  it('commits a journaled write with synchronous = FULL (the WAL is fsynced), and other writes with NORMAL', async () => {
    // SQLite's own numbering of PRAGMA synchronous.
    const NORMAL = 1;
    const FULL = 2;
    // The level each outermost transaction ran under: the level its commit syncs the WAL with.
    const levels: number[] = [];
    let depth = 0;

    const transaction = Database.prototype.transaction;
    const spy = jest.spyOn(Database.prototype, 'transaction').mockImplementation(function (
      this: Database.Database,
      fn: (...args: unknown[]) => unknown,
    ) {
      return transaction.call(this, (...args: unknown[]) => {
        depth += 1;
        try {
          if (depth === 1) levels.push(this.pragma('synchronous', { simple: true }) as number);
          return fn(...args);
        } finally {
          depth -= 1;
        }
      });
    } as typeof transaction);
    const server = await startEmbeddedMongo({ dataDir: dir() });
    try {
      await withClient(server.uri, async (client) => {
        const c = client.db('hub').collection<TestDoc>('journaled', { writeConcern: { w: 'majority', journal: true } });
        await c.insertOne({ _id: 1 });
        await c.bulkWrite([{ updateOne: { filter: { _id: 2 }, update: { $set: { v: 1 } }, upsert: true } }]);
        const err = await c.insertOne({ _id: 1 }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(MongoServerError);
        expect(levels).toEqual([FULL, FULL, FULL]);
        // Without { j: true } (and after a journaled write, even a refused one) the level is back to NORMAL.
        await client.db('hub').collection<TestDoc>('plain').insertOne({ _id: 3 });
        expect(levels).toEqual([FULL, FULL, FULL, NORMAL]);
        expect(await c.countDocuments()).toBe(2);
      });
    } finally {
      spy.mockRestore();
      await server.close();
    }
  });
});
