import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { DataDirInUseError, startEmbeddedMongo, startEmbeddedMongoThread } from '../../store/embedded';

describe('the embedded server in a worker thread', () => {
  it('keeps its data in the data directory for the next server, threaded or not', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-thread-'));
    const threaded = await startEmbeddedMongoThread({ dataDir });
    const client = await new MongoClient(threaded.uri).connect();
    await client
      .db('t')
      .collection('c')
      .insertOne({ _id: 'kept' as never, n: 1 }, { writeConcern: { w: 1, j: true } });
    await client.close();
    await threaded.close();

    const inline = await startEmbeddedMongo({ dataDir });
    const reader = await new MongoClient(inline.uri).connect();
    expect(
      await reader
        .db('t')
        .collection('c')
        .findOne({ _id: 'kept' as never }),
    ).toEqual({ _id: 'kept', n: 1 });
    await reader.close();
    await inline.close();
  });

  it('reports a data directory another server holds as DataDirInUseError, naming the file', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-thread-'));
    const holder = await startEmbeddedMongo({ dataDir });
    try {
      const attempt = startEmbeddedMongoThread({ dataDir });
      await expect(attempt).rejects.toBeInstanceOf(DataDirInUseError);
      await expect(attempt).rejects.toMatchObject({ file: path.join(dataDir, 'switchboard.sqlite') });
    } finally {
      await holder.close();
    }
  });

  it('refuses bad options before starting a thread, with the same sentence', () => {
    expect(() => startEmbeddedMongoThread({ tcp: { port: -1 }, memory: true })).toThrow(
      'startEmbeddedMongo expected options.tcp.port to be an integer from 0 to 65535, but found -1.',
    );
  });

  it('closes idempotently', async () => {
    const server = await startEmbeddedMongoThread({ memory: true });
    await Promise.all([server.close(), server.close()]);
    await expect(new MongoClient(server.uri, { serverSelectionTimeoutMS: 500 }).connect()).rejects.toThrow();
  });
});
