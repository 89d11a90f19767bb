/**
 * Child process for the "store outlives no owner" test: starts the embedded server in a process
 * of its own on the data directory given as argv[2], writes one document, prints
 * "READY <the store's pid>", and waits to be killed.
 */
import { MongoClient } from 'mongodb';
import { startEmbeddedMongoProcess } from '../../store/embedded';

async function main(): Promise<void> {
  const server = await startEmbeddedMongoProcess({ dataDir: process.argv[2] });
  const client = await new MongoClient(server.uri).connect();
  await client
    .db('owner')
    .collection('notes')
    .insertOne({ _id: 'written-before-the-kill' } as never);
  process.stdout.write(`READY ${server.pid}\n`);
  setInterval(() => undefined, 60_000); // alive until the test kills it
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
