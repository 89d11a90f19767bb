import { buildSchema } from 'graphql';
import { shipSavedQueries, SHIPPED_QUERIES } from '../../gateway/shipped-queries';
import { SavedQueries } from '../../schema/saved-query';
import {
  SavedQueryConflictError,
  SavedQueryRepository,
  type SavedQueryContent,
} from '../../store/saved-queries.repository';
import { useTestStore } from '../helpers/test-store';

const ana = { id: 'key_ana', name: 'ana' };

function content(name: string, overrides: Partial<SavedQueryContent> = {}): SavedQueryContent {
  return {
    name,
    description: `About ${name}`,
    document: '{ __typename }',
    hash: 'h'.repeat(64),
    variables: [],
    tags: [],
    ...overrides,
  };
}

describe('SavedQueryRepository', () => {
  const store = useTestStore('saved_queries');
  let repository: SavedQueryRepository;
  beforeEach(async () => {
    repository = new SavedQueryRepository(store.db);
    await repository.ensureIndexes();
  });

  it('numbers each save of a name from 1, keeps every version, and lists only the latest', async () => {
    await repository.save(content('a', { description: 'first' }), ana, new Date('2026-12-01T10:00:00Z'));
    const second = await repository.save(content('a', { description: 'second' }), { id: 'k2', name: 'ops' });
    expect(second).toMatchObject({ version: 2, owner: 'ana', ownerId: 'key_ana', savedBy: 'ops' });
    expect(second.createdAt).toEqual(new Date('2026-12-01T10:00:00Z'));
    expect((await repository.history('a')).map((v) => [v.version, v.description])).toEqual([
      [2, 'second'],
      [1, 'first'],
    ]);
    expect((await repository.find('a', 1))?.description).toBe('first');
    expect(await repository.find('a', 3)).toBeNull();
    expect((await repository.list()).map((head) => [head._id, head.version])).toEqual([['a', 2]]);
  });

  it('refuses, storing nothing, a save that numbered a version another save took first', async () => {
    const v1 = await repository.save(content('a'), ana);
    await repository.save(content('a', { description: 'theirs' }), ana);
    // This save read the query before the other one landed: it numbers its version 2 too.
    jest.spyOn(repository, 'find').mockResolvedValueOnce(v1);
    await expect(repository.save(content('a', { description: 'mine' }), ana)).rejects.toBeInstanceOf(
      SavedQueryConflictError,
    );
    expect((await repository.history('a')).map((v) => [v.version, v.description])).toEqual([
      [2, 'theirs'],
      [1, 'About a'],
    ]);
    expect((await repository.list())[0].description).toBe('theirs');
  });

  it('refuses a save based on a query that did not exist yet, once someone else has created it', async () => {
    // The caller was judged (owner, new query) on what they read: nothing; ana created it since.
    await repository.save(content('a', { description: 'ana' }), ana);
    await expect(
      repository.save(content('a', { description: 'bea' }), { id: 'key_bea', name: 'bea' }, new Date(), null),
    ).rejects.toBeInstanceOf(SavedQueryConflictError);
    expect((await repository.history('a')).map((v) => v.description)).toEqual(['ana']);
  });

  it('searches names, descriptions and tags literally, in any case, and filters by tag', async () => {
    await repository.save(content('overdue', { description: 'Owes (a lot) of money', tags: ['collections'] }), ana);
    await repository.save(content('upsell', { description: 'Sell more', tags: ['sales'] }), ana);
    const names = async (filter: { search?: string; tag?: string }) =>
      (await repository.list(filter)).map((head) => head._id);
    expect(await names({ search: '(A LOT)' })).toEqual(['overdue']);
    expect(await names({ search: '.*' })).toEqual([]);
    expect(await names({ search: 'SALES' })).toEqual(['upsell']);
    expect(await names({ tag: 'collections' })).toEqual(['overdue']);
    expect(await names({ tag: 'collect' })).toEqual([]);
  });

  it('finds a document by its hash, and deletes a query with every version', async () => {
    await repository.save(content('a', { document: '{ one: __typename }', hash: '1'.repeat(64) }), ana);
    await repository.save(content('a', { document: '{ two: __typename }', hash: '2'.repeat(64) }), ana);
    expect(await repository.documentByHash('1'.repeat(64))).toBe('{ one: __typename }');
    expect(await repository.delete('a')).toBe(true);
    expect(await repository.documentByHash('1'.repeat(64))).toBeNull();
    expect(await repository.history('a')).toEqual([]);
    expect(await repository.list()).toEqual([]);
    expect(await repository.delete('a')).toBe(false);
  });

  it('goes on numbering a name saved again after a delete, so a version number never means two documents', async () => {
    await repository.save(content('a', { description: 'old 1' }), ana);
    await repository.save(content('a', { description: 'old 2' }), ana);
    expect(await repository.delete('a')).toBe(true);
    expect(await repository.find('a')).toBeNull();
    expect(await repository.list()).toEqual([]);
    const bea = { id: 'key_bea', name: 'bea' };
    const again = await repository.save(content('a', { description: 'new' }), bea, new Date(), null);
    expect(again).toMatchObject({ version: 3, owner: 'bea', ownerId: 'key_bea' });
    expect(await repository.find('a', 1)).toBeNull();
    expect((await repository.history('a')).map((v) => [v.version, v.description])).toEqual([[3, 'new']]);
    expect((await repository.list()).map((head) => [head._id, head.version, head.description])).toEqual([
      ['a', 3, 'new'],
    ]);
    // And after a second delete, on from there.
    expect(await repository.delete('a')).toBe(true);
    expect((await repository.save(content('a'), ana, new Date(), null)).version).toBe(4);
  });

  it('stores nothing from a save that read the query before a delete and writes after it', async () => {
    const v1 = await repository.save(content('a'), ana);
    expect(await repository.delete('a')).toBe(true);
    // The save was judged (owner, next number) on v1, read before the delete.
    const attempt = repository.save(content('a', { description: 'late' }), ana, new Date(), v1);
    await expect(attempt).rejects.toBeInstanceOf(SavedQueryConflictError);
    await expect(attempt).rejects.toThrow('Saved query "a" was deleted at the same moment; nothing was stored');
    expect(await repository.find('a')).toBeNull();
    expect(await repository.history('a')).toEqual([]);
    expect(await repository.list()).toEqual([]);
    // The name is free again, numbered on from the deleted query's last version.
    expect((await repository.save(content('a'), ana, new Date(), null)).version).toBe(2);
  });

  it('keeps the number of a version saved while the delete was under way', async () => {
    const v1 = await repository.save(content('a'), ana);
    await repository.save(content('a'), ana);
    // The delete read v1 as the latest; v2 landed just after.
    jest.spyOn(repository, 'find').mockResolvedValueOnce(v1);
    expect(await repository.delete('a')).toBe(true);
    expect(await repository.history('a')).toEqual([]);
    expect((await repository.save(content('a'), ana, new Date(), null)).version).toBe(3);
  });

  it('finishes a delete that stopped after its mark when a save meets the mark', async () => {
    const v1 = await repository.save(content('a'), ana);
    // The mark landed, the versions' delete did not (a store that stalled half-way).
    await store.db
      .collection('saved_queries')
      .replaceOne({ _id: 'a' as never }, { deleted: true, version: 1, deletedAt: new Date() });
    expect(await repository.list()).toEqual([]);
    await expect(repository.save(content('a'), ana, new Date(), v1)).rejects.toThrow('was deleted at the same moment');
    expect(await repository.history('a')).toEqual([]);
    expect((await repository.save(content('a'), ana, new Date(), null)).version).toBe(2);
  });

  it('deletes a query whose head was left without versions', async () => {
    await repository.save(content('a'), ana);
    await store.db.collection('saved_query_versions').deleteMany({ name: 'a' });
    expect((await repository.list()).map((head) => head._id)).toEqual(['a']);
    expect(await repository.delete('a')).toBe(true);
    expect(await repository.list()).toEqual([]);
    expect(await repository.delete('a')).toBe(false);
  });

  it('ships each shipped query once: one deleted since is not brought back, one that does not fit is tried again', async () => {
    // A graph with no `customers` at all: none of the shipped queries fits it.
    const bare = buildSchema('type Query { hello: String }');
    const warnings: string[] = [];
    let schema = bare;
    const savedQueries = new SavedQueries({
      repository,
      schema: () => schema,
      run: () => Promise.reject(new Error('not run here')),
    });
    await shipSavedQueries(savedQueries, repository, (message) => warnings.push(message));
    expect(await repository.list()).toEqual([]);
    expect(warnings).toHaveLength(SHIPPED_QUERIES.length);
    expect(warnings[0]).toContain('was not stored');

    const { buildDefaultGatewaySchema } = await import('../../gateway/schema-file');
    schema = buildDefaultGatewaySchema();
    await shipSavedQueries(savedQueries, repository, () => undefined);
    expect((await repository.list()).map((head) => head._id)).toEqual(SHIPPED_QUERIES.map((q) => q.name).sort());

    await repository.delete('upsell-list');
    await shipSavedQueries(savedQueries, repository, () => undefined);
    expect((await repository.list()).map((head) => head._id)).not.toContain('upsell-list');
  });
});
