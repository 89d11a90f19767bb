import type { CustomerIdentity } from '../../schema/identity';
import { IDENTITY_COLLECTION, IdentityRepository } from '../../store';
import { IDENTITY_STAGING_COLLECTION } from '../../store/identity.repository';
import { useTestStore } from '../helpers/test-store';

function customer(id: string, key: string): CustomerIdentity {
  return { _id: id, name: id, emails: [], phones: [], taxNumbers: [], links: [{ system: 'sales', key }], aliases: [] };
}

// Against the embedded server, or a real one with MONGODB_URI, like the rest of test/store.
describe('the identity repository', () => {
  const store = useTestStore('identity');
  let repository: IdentityRepository;
  beforeEach(async () => {
    repository = new IdentityRepository(store.db);
    await repository.ensureIndexes();
  });

  const ids = async () => (await store.db.collection(IDENTITY_COLLECTION).find({}).toArray()).map((d) => d._id);

  it('replaces the map as a whole, counting the customers that are gone, and records the generation', async () => {
    const first = await repository.replaceAll([customer('cus_a', 'c-1'), customer('cus_b', 'c-2')], new Date(), 1);
    expect(first).toEqual({ upserted: 2, removed: 0, generation: 1 });
    const second = await repository.replaceAll([customer('cus_b', 'c-2'), customer('cus_c', 'c-3')], new Date(), 1);
    expect(second).toEqual({ upserted: 2, removed: 1, generation: 2 });
    expect(await ids()).toEqual(['cus_b', 'cus_c']);
    expect(await repository.readState()).toMatchObject({ generation: 2, finishedAt: expect.any(Date) });
    // The next generation's collection is gone: renamed into place, with its indexes.
    const collections = (await store.db.listCollections().toArray()).map((c) => c.name);
    expect(collections).not.toContain(IDENTITY_STAGING_COLLECTION);
    const indexes = (await store.db.collection(IDENTITY_COLLECTION).indexes()).map((i) => i.name).sort();
    expect(indexes).toEqual(['_id_', 'aliases', 'emails', 'links', 'phones']);
  });

  it('leaves readers the old map whole when a sync fails half-way, and marks the sync unfinished', async () => {
    await repository.replaceAll([customer('cus_a', 'c-1'), customer('cus_b', 'c-2')], new Date());
    // The third batch repeats an id, so writing it fails after two batches are in.
    const broken = [customer('cus_x', 'c-9'), customer('cus_y', 'c-8'), customer('cus_x', 'c-7')];
    await expect(repository.replaceAll(broken, new Date(), 1)).rejects.toThrow(/duplicate key/i);
    expect(await ids()).toEqual(['cus_a', 'cus_b']);
    expect(await repository.readState()).toMatchObject({ generation: 1, finishedAt: null });
    // The next sync starts its generation afresh.
    expect(await repository.replaceAll([customer('cus_z', 'c-5')], new Date())).toEqual({
      upserted: 1,
      removed: 2,
      generation: 2,
    });
    expect(await ids()).toEqual(['cus_z']);
  });

  it('tells which of a system’s keys the map links, matching system and key in the same link', async () => {
    await repository.replaceAll(
      [
        customer('cus_a', 'c-1'),
        {
          ...customer('cus_b', 'c-2'),
          links: [
            { system: 'support', key: 'c-3' },
            { system: 'sales', key: 'c-2' },
          ],
        },
      ],
      new Date(),
    );
    expect([...(await repository.knownKeys('sales', ['c-1', 'c-2', 'c-3', 'c-4']))].sort()).toEqual(['c-1', 'c-2']);
    expect([...(await repository.knownKeys('support', ['c-1', 'c-3']))]).toEqual(['c-3']);
  });
});
