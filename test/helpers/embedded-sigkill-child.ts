/**
 * Child process for the SIGKILL durability test: starts the embedded server on the data
 * directory given as argv[2] and writes as fast as acknowledgements come back, printing
 * "ACKED <n>" after each acknowledged insert + update pair, until its parent kills it.
 */
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../../store/embedded';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  const server = await startEmbeddedMongo({ dataDir });
  const client = await new MongoClient(server.uri).connect();
  const acks = client.db('durability').collection<{ _id: number | string; payload?: string; last?: number }>('acks');
  for (let n = 0; ; n++) {
    // Default write concern ({ w: 1 }, no journal flag): the process-crash guarantee is under test.
    await acks.insertOne({ _id: n, payload: 'x'.repeat(200) });
    await acks.updateOne({ _id: 'counter' }, { $set: { last: n } }, { upsert: true });
    process.stdout.write(`ACKED ${n}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
