import { execute, parse } from 'graphql';
import { MongoClient } from 'mongodb';
import { createHubSubschema } from '../../../schema/hub';
import { IdentityRepository, SnapshotRepository, StoreTimeoutError, type StoredIdentity } from '../../../store';

// The driver connects lazily: nothing here talks to a server; the repository's reads are stubbed.
const db = new MongoClient('mongodb://127.0.0.1:1').db('unused');

const ada: StoredIdentity = {
  _id: 'cus_ada',
  name: 'Ada Lovelace',
  emails: ['ada@example.com'],
  phones: ['+14155550101'],
  taxNumbers: [],
  links: [{ system: 'sales', key: 'C-1' }],
  aliases: [],
  syncedAt: new Date('2026-12-04T10:00:00.000Z'),
};

function hubWith(repository: IdentityRepository) {
  return createHubSubschema({
    repository,
    snapshots: new SnapshotRepository(db),
    figureSources: [],
    defaultCountry: 'US',
    refresh: async () => undefined,
  });
}

const LIST = parse(/* GraphQL */ `
  {
    customers(first: 1) {
      nodes {
        id
        name
      }
      totalCount
    }
  }
`);

describe('store failures in the hub subschema', () => {
  it('answers a count the store could not give with STORE_UNAVAILABLE at its field, without the store’s text', async () => {
    const repository = new IdentityRepository(db);
    jest.spyOn(repository, 'page').mockResolvedValue({ items: [ada], hasNextPage: false });
    jest.spyOn(repository, 'count').mockRejectedValue(new StoreTimeoutError('a count of customers', 2_000));
    const hub = hubWith(repository);
    const result = await execute({ schema: hub.schema, document: LIST, contextValue: {} });
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors ?? [];
    expect(error.extensions.code).toBe('STORE_UNAVAILABLE');
    expect(error.path).toEqual(['customers', 'totalCount']);
    expect(error.message).not.toContain('a count of customers');
  });

  it('leaves an error that is not the store’s as it was', async () => {
    const repository = new IdentityRepository(db);
    jest.spyOn(repository, 'page').mockResolvedValue({ items: [ada], hasNextPage: false });
    jest.spyOn(repository, 'count').mockRejectedValue(new Error('a bug in counting'));
    const result = await execute({ schema: hubWith(repository).schema, document: LIST, contextValue: {} });
    expect(result.errors?.map((e) => [e.message, e.extensions.code])).toEqual([['a bug in counting', undefined]]);
  });
});

describe('a hub whose connectors declare no figures', () => {
  it('lists its customers from the identity map, not from a snapshot it has no filter for', async () => {
    const repository = new IdentityRepository(db);
    jest.spyOn(repository, 'page').mockResolvedValue({ items: [ada], hasNextPage: false });
    jest.spyOn(repository, 'count').mockResolvedValue(1);
    const result = await execute({ schema: hubWith(repository).schema, document: LIST, contextValue: {} });
    expect(result).toEqual({
      data: { customers: { nodes: [{ id: 'cus_ada', name: 'Ada Lovelace' }], totalCount: 1 } },
    });
  });
});
