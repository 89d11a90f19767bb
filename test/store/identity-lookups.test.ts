import type { CustomerIdentity } from '../../schema/identity';
import { IdentityRepository, RememberedIdentityLookups, StoreTimeoutError } from '../../store';
import { useTestStore } from '../helpers/test-store';

function customer(id: string, phone: string, extra: Partial<CustomerIdentity> = {}): CustomerIdentity {
  return {
    _id: id,
    name: id,
    emails: [`${id}@example.com`],
    phones: [phone],
    taxNumbers: [],
    links: [{ system: 'sales', key: id }],
    aliases: [],
    ...extra,
  };
}

const ids = (found: ReadonlyArray<{ _id: string }>) => found.map((doc) => doc._id);

// Against the embedded server, or a real one with MONGODB_URI, like the rest of test/store.
describe('identity look-ups held in memory', () => {
  const store = useTestStore('identity-lookups');
  let repository: IdentityRepository;
  /** Another process's view of the same map: `npm run sync`, or a second hub. */
  let elsewhere: IdentityRepository;
  let nowMs: number;
  let warnings: string[];
  const lookups = (maxEntries = 100, maxBytes = 1_000_000) =>
    new RememberedIdentityLookups(repository, {
      maxEntries,
      maxBytes,
      recheckMs: 1_000,
      now: () => nowMs,
      warn: (message) => warnings.push(message),
    });

  beforeEach(async () => {
    nowMs = 0;
    warnings = [];
    repository = new IdentityRepository(store.db);
    elsewhere = new IdentityRepository(store.db);
    await repository.ensureIndexes();
    await elsewhere.replaceAll([customer('cus_a', '+14155550101'), customer('cus_b', '+14155550102')], new Date());
  });

  it('reads a repeated look-up from the repository once, and the generation once per recheck interval', async () => {
    const byPhone = jest.spyOn(repository, 'findByPhone');
    const state = jest.spyOn(repository, 'readState');
    const memory = lookups();
    for (let i = 0; i < 5; i += 1) expect(ids(await memory.findByPhone('+14155550101'))).toEqual(['cus_a']);
    expect(byPhone).toHaveBeenCalledTimes(1);
    expect(state).toHaveBeenCalledTimes(1);
    nowMs = 999;
    await memory.findByPhone('+14155550101');
    expect(state).toHaveBeenCalledTimes(1);
    nowMs = 1_000;
    await memory.findByPhone('+14155550101');
    expect(state).toHaveBeenCalledTimes(2);
    expect(byPhone).toHaveBeenCalledTimes(1);
  });

  it('sees a sync made elsewhere once the recheck interval has passed, and not before', async () => {
    const memory = lookups();
    expect(ids(await memory.findByPhone('+14155550101'))).toEqual(['cus_a']);
    expect(await memory.findByPhone('+14155550199')).toEqual([]);
    // The phone moves to a new customer, and a new one appears, in the next generation.
    await elsewhere.replaceAll([customer('cus_c', '+14155550101'), customer('cus_d', '+14155550199')], new Date());
    nowMs = 500;
    expect(ids(await memory.findByPhone('+14155550101'))).toEqual(['cus_a']);
    nowMs = 1_000;
    expect(ids(await memory.findByPhone('+14155550101'))).toEqual(['cus_c']);
    expect(ids(await memory.findByPhone('+14155550199'))).toEqual(['cus_d']);
  });

  it('drops everything at once when told this hub synced', async () => {
    const memory = lookups();
    expect(ids(await memory.findByEmail('cus_a@example.com'))).toEqual(['cus_a']);
    await elsewhere.replaceAll([customer('cus_z', '+14155550101', { emails: ['cus_a@example.com'] })], new Date());
    memory.forget();
    expect(ids(await memory.findByEmail('cus_a@example.com'))).toEqual(['cus_z']);
  });

  it('never serves what was read from a map replaced meanwhile', async () => {
    const memory = lookups();
    await memory.findByPhone('+14155550102'); // the generation is known
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const read = repository.findByPhone.bind(repository);
    jest.spyOn(repository, 'findByPhone').mockImplementationOnce(async (phone) => {
      const found = await read(phone);
      await held; // the answer of the old map arrives after the new one is in place
      return found;
    });
    const during = memory.findByPhone('+14155550101');
    await elsewhere.replaceAll([customer('cus_c', '+14155550101')], new Date());
    memory.forget();
    release();
    expect(ids(await during)).toEqual(['cus_a']); // that request got the map it started on
    expect(ids(await memory.findByPhone('+14155550101'))).toEqual(['cus_c']);
  });

  it('does not take back the old generation from a read of it that answers after this hub synced', async () => {
    const memory = lookups();
    await memory.findByPhone('+14155550102'); // generation 1 is known at 0 ms
    const hold = () => {
      let release: () => void = () => undefined;
      return { held: new Promise<void>((resolve) => (release = resolve)), release: () => release() };
    };
    const oldAnswer = hold();
    const oldState = hold();
    const findByPhone = repository.findByPhone.bind(repository);
    const readState = repository.readState.bind(repository);
    jest.spyOn(repository, 'findByPhone').mockImplementationOnce(async (phone) => {
      const found = await findByPhone(phone);
      await oldAnswer.held;
      return found;
    });
    jest.spyOn(repository, 'readState').mockImplementationOnce(async () => {
      const state = await readState();
      await oldState.held;
      return state;
    });
    const fromTheOldMap = memory.findByPhone('+14155550101'); // read under generation 1, answered late
    nowMs = 1_000;
    const recheck = memory.findByPhone('+14155550102'); // reads generation 1, answered late
    await elsewhere.replaceAll([customer('cus_c', '+14155550101')], new Date());
    memory.forget();
    oldState.release();
    await recheck;
    oldAnswer.release();
    await fromTheOldMap;
    expect(ids(await memory.findByPhone('+14155550101'))).toEqual(['cus_c']);
  });

  it('reads the store for every look-up, and warns once, while the map’s state cannot be read', async () => {
    const memory = lookups();
    await memory.findByPhone('+14155550101');
    nowMs = 1_000;
    const state = jest.spyOn(repository, 'readState').mockRejectedValue(new Error('not authorized on sync_state'));
    const byPhone = jest.spyOn(repository, 'findByPhone');
    expect(ids(await memory.findByPhone('+14155550101'))).toEqual(['cus_a']);
    expect(ids(await memory.findByPhone('+14155550101'))).toEqual(['cus_a']);
    expect(byPhone).toHaveBeenCalledTimes(2);
    expect(state).toHaveBeenCalledTimes(1); // the verdict holds for the recheck interval
    expect(warnings).toEqual([expect.stringContaining('not authorized on sync_state')]);
  });

  it('fails a look-up at once when the state read finds the store down, then asks the store alone', async () => {
    const memory = lookups();
    await memory.findByPhone('+14155550101');
    nowMs = 1_000;
    const down = new StoreTimeoutError('the identity state', 2_000);
    jest.spyOn(repository, 'readState').mockRejectedValue(down);
    const byPhone = jest.spyOn(repository, 'findByPhone').mockRejectedValue(down);
    // A remembered caller is not served from a map that could not be confirmed, nor read twice.
    await expect(memory.findByPhone('+14155550101')).rejects.toBe(down);
    expect(byPhone).not.toHaveBeenCalled();
    await expect(memory.findByPhone('+14155550101')).rejects.toBe(down);
    expect(byPhone).toHaveBeenCalledTimes(1);
    expect(warnings).toEqual([]);
  });

  it('serves nothing from memory while a sync is writing the next map, nor without a state', async () => {
    const memory = lookups();
    const byPhone = jest.spyOn(repository, 'findByPhone');
    await memory.findByPhone('+14155550101');
    const syncState = store.db.collection<{ _id: string }>('sync_state');
    await syncState.updateOne({ _id: 'identity' }, { $set: { finishedAt: null } });
    nowMs = 1_000;
    await memory.findByPhone('+14155550101');
    await memory.findByPhone('+14155550101');
    expect(byPhone).toHaveBeenCalledTimes(3);
    await syncState.deleteOne({ _id: 'identity' });
    nowMs = 2_000;
    await memory.findByPhone('+14155550101');
    await memory.findByPhone('+14155550101');
    expect(byPhone).toHaveBeenCalledTimes(5);
    expect(warnings).toEqual([]); // a sync under way is no failure
  });

  it('takes a map synced again under the same generation number for another map', async () => {
    const memory = lookups();
    expect(ids(await memory.findByPhone('+14155550101'))).toEqual(['cus_a']);
    // The database dropped and synced afresh: generation 1 again, of another world.
    await store.db.dropDatabase();
    await repository.ensureIndexes();
    nowMs = 5;
    await elsewhere.replaceAll([customer('cus_new', '+14155550101')], new Date(Date.now() + 1_000));
    expect((await repository.readState())?.generation).toBe(1);
    nowMs = 1_000;
    expect(ids(await memory.findByPhone('+14155550101'))).toEqual(['cus_new']);
  });

  it('keeps no more look-ups than its byte budget holds', async () => {
    const byPhone = jest.spyOn(repository, 'findByPhone');
    const memory = lookups(100, 100); // one customer is several hundred bytes
    await memory.findByPhone('+14155550101');
    await memory.findByPhone('+14155550101');
    expect(byPhone).toHaveBeenCalledTimes(2);
  });

  it('answers ids from memory and reads only the ones it lacks, former ids included, in one query', async () => {
    await elsewhere.replaceAll(
      [customer('cus_a', '+14155550101', { aliases: ['cus_old'] }), customer('cus_b', '+14155550102')],
      new Date(),
    );
    const byIds = jest.spyOn(repository, 'findByIds');
    const memory = lookups();
    expect(ids(await memory.findByIds(['cus_a']))).toEqual(['cus_a']);
    expect(ids(await memory.findByIds(['cus_a', 'cus_old', 'cus_b', 'cus_none'])).sort()).toEqual([
      'cus_a',
      'cus_a',
      'cus_b',
    ]);
    expect(byIds.mock.calls.map(([asked]) => asked)).toEqual([['cus_a'], ['cus_old', 'cus_b', 'cus_none']]);
    expect(ids(await memory.findByIds(['cus_old', 'cus_b', 'cus_none']))).toEqual(['cus_a', 'cus_b']);
    expect(ids(await memory.findByIds(['cus_b', 'cus_b']))).toEqual(['cus_b']); // an id asked twice, answered once
    expect(byIds).toHaveBeenCalledTimes(2);
  });

  it('counts the map once per generation', async () => {
    const count = jest.spyOn(repository, 'count');
    const memory = lookups();
    expect(await memory.count()).toBe(2);
    expect(await memory.count()).toBe(2);
    expect(count).toHaveBeenCalledTimes(1);
    await elsewhere.replaceAll(
      [customer('cus_a', '+14155550101'), customer('cus_b', '+14155550102'), customer('cus_c', '+14155550103')],
      new Date(),
    );
    nowMs = 1_000;
    expect(await memory.count()).toBe(3);
    expect(count).toHaveBeenCalledTimes(2);
  });

  it('reads the repository every time with no entries to keep, and never the generation', async () => {
    const byPhone = jest.spyOn(repository, 'findByPhone');
    const state = jest.spyOn(repository, 'readState');
    const memory = lookups(0);
    await memory.findByPhone('+14155550101');
    await memory.findByPhone('+14155550101');
    expect(byPhone).toHaveBeenCalledTimes(2);
    expect(state).not.toHaveBeenCalled();
  });
});
