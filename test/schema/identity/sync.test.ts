import type { Connector, DirectoryEntry } from '../../../connectors/kit';
import { syncIdentities } from '../../../schema/identity';
import { IdentityRepository, openStore, type StoreConnection } from '../../../store';

/** A connector whose directory is whatever the test says, one page. */
function system(name: string, entries: () => DirectoryEntry[]): Connector {
  return {
    name,
    async *directory() {
      yield entries();
    },
  } as unknown as Connector;
}

describe('the identity sync', () => {
  let store: StoreConnection;
  beforeEach(async () => {
    store = await openStore({ uri: null, database: 'sync', dataDir: '', memory: true, embeddedIn: 'inline' });
  });
  afterEach(() => store.close());

  it('refuses to write a map from an empty directory of a system the map links, leaving the map as it was', async () => {
    const repository = new IdentityRepository(store.db);
    await repository.ensureIndexes();
    let sales: DirectoryEntry[] = [
      { key: 'c-1', name: 'Ada Lovelace', emails: ['ada@example.com'], phones: [], taxNumbers: [] },
    ];
    const connectors = [system('sales', () => sales)];
    const options = { connectors, repository, defaultCountry: 'US', pageSize: 100 };
    expect((await syncIdentities(options)).customers).toBe(1);

    sales = [];
    await expect(syncIdentities(options)).rejects.toThrow(
      /^Identity sync stopped: the sales directory came back empty, but the map links customers of it/,
    );
    expect(await repository.count()).toBe(1);
  });

  it('stops on a page it cannot normalise, and closes that directory, though it had asked for the next page', async () => {
    const repository = new IdentityRepository(store.db);
    await repository.ensureIndexes();
    let markClosed!: () => void;
    const closed = new Promise<void>((resolve) => (markClosed = resolve));
    const broken = {
      name: 'sales',
      async *directory() {
        try {
          // A declared connector's mapping gone wrong: `emails` is not a list.
          yield [{ key: 'c-1', name: 'Ada', emails: null, phones: [], taxNumbers: [] }];
          yield [];
        } finally {
          markClosed();
        }
      },
    } as unknown as Connector;
    await expect(
      syncIdentities({ connectors: [broken], repository, defaultCountry: 'US', pageSize: 100 }),
    ).rejects.toThrow(/^Identity sync stopped: cannot read the sales directory/);
    await closed;
    expect(await repository.count()).toBe(0);
  });
});
