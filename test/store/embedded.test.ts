import { MongoClient } from 'mongodb';
import { startEmbeddedMongo, startEmbeddedMongoProcess, startEmbeddedMongoThread } from '../../store/embedded';
import { defineMongoSuite } from '../helpers/embedded-suite';
import { realMongoUri } from '../helpers/test-store';

defineMongoSuite('the embedded MongoDB-compatible server', async () => {
  const server = await startEmbeddedMongo({ memory: true, ttlSweepMs: 100 });
  return { uri: server.uri, ttlDeadlineMs: 10_000, close: () => server.close() };
});

// The hub runs the server in a worker thread: the same contract must hold there.
defineMongoSuite('the embedded server in a worker thread', async () => {
  const server = await startEmbeddedMongoThread({ memory: true, ttlSweepMs: 100 });
  return { uri: server.uri, ttlDeadlineMs: 10_000, close: () => server.close() };
});

// And in a process of its own, where `npm start` runs it.
defineMongoSuite('the embedded server in a process of its own', async () => {
  const server = await startEmbeddedMongoProcess({ memory: true, ttlSweepMs: 100 });
  return { uri: server.uri, ttlDeadlineMs: 10_000, close: () => server.close() };
});

const realUri = realMongoUri();
if (realUri) {
  // The same contract against real MongoDB, whose TTL monitor runs once a minute. The suite uses
  // its own uniquely named database and drops it afterwards.
  defineMongoSuite('a real MongoDB at MONGODB_URI', async () => {
    const probe = await new MongoClient(realUri, { serverSelectionTimeoutMS: 5_000 }).connect();
    await probe.close();
    return { uri: realUri, ttlDeadlineMs: 150_000, close: async () => undefined };
  });
}
