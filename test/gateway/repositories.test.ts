import { MongoClient } from 'mongodb';
import { prepareRepositories } from '../../gateway/repositories';
import type { StoreConnection } from '../../store';
import { IDENTITY_COLLECTION } from '../../store/identity.repository';
import { useTestStore } from '../helpers/test-store';

describe('prepareRepositories', () => {
  const store = useTestStore('repositories');

  it('reads the identity look-ups the hub remembers from the primary, whatever the connection string prefers', async () => {
    // A deployment that reads from secondaries: the connection string's readPreference.
    const client = new MongoClient(store.connection.uri, { readPreference: 'secondaryPreferred' });
    try {
      const onSecondaries: StoreConnection = {
        ...store.connection,
        client,
        db: client.db(store.db.databaseName),
      };
      const repositories = await prepareRepositories(onSecondaries, []);
      // The repositories' Db is private; its read preference is what every read they make uses.
      expect(repositories.identities['db'].readPreference.mode).toBe('secondaryPreferred');
      expect(repositories.identityLookups['db'].readPreference.mode).toBe('primary');
      // The same map on the same database: a customer written there is counted by both.
      await store.db.collection<{ _id: string }>(IDENTITY_COLLECTION).insertOne({ _id: 'c1' });
      expect([await repositories.identityLookups.count(), await repositories.identities.count()]).toEqual([1, 1]);
    } finally {
      await client.close();
    }
  });
});
