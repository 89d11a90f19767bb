import type { FigureValues } from '../../../connectors/kit';
import type { CustomerIdentity } from '../../../schema/identity';
import { buildSnapshots, type SnapshotBuildOptions } from '../../../schema/snapshot';
import {
  IdentityRepository,
  openStore,
  SnapshotRepository,
  type SnapshotDocument,
  type SnapshotState,
  type StoreConnection,
} from '../../../store';
import { SNAPSHOT_STAGING_COLLECTION } from '../../../store/snapshot.repository';

/** A snapshot repository in a process that dies right after the swap, before recording the run finished. */
class DiesAfterSwap extends SnapshotRepository {
  override async writeState(state: SnapshotState): Promise<void> {
    if (state.finishedAt !== null) throw new Error('the process was killed');
    await super.writeState(state);
  }
}

const FIGURES = [{ connector: 'ledger', name: 'owed' }];

function identity(id: string): CustomerIdentity {
  return {
    _id: id,
    name: id,
    emails: [],
    phones: [],
    taxNumbers: [],
    links: [{ system: 'ledger', key: `k-${id}` }],
    aliases: [],
  };
}

describe('building snapshots over the repository', () => {
  let store: StoreConnection;
  let identities: IdentityRepository;
  let snapshots: SnapshotRepository;
  /** Keys asked of the fake system, per call; `failOn` makes the call with that key fail. */
  const asked: string[][] = [];
  let failOn: string | null = null;

  const options = (extra: Partial<SnapshotBuildOptions> = {}): SnapshotBuildOptions => ({
    connectors: [
      {
        name: 'ledger',
        async summarize(keys: readonly string[]) {
          asked.push([...keys]);
          if (failOn !== null && keys.includes(failOn)) throw new Error('the ledger answered HTTP 503');
          return new Map<string, FigureValues>(keys.map((key) => [key, { owed: key.length }]));
        },
      },
    ],
    identities,
    snapshots,
    batchSize: 2,
    ...extra,
  });

  beforeAll(async () => {
    store = await openStore({ uri: null, database: 'build', dataDir: '', memory: true });
    identities = new IdentityRepository(store.db);
    snapshots = new SnapshotRepository(store.db);
  });
  afterAll(() => store.close());
  beforeEach(async () => {
    asked.length = 0;
    failOn = null;
    await store.db.dropDatabase();
  });

  it('catches up, on resume, with customers an identity sync added before the resume point', async () => {
    await identities.replaceAll(['c1', 'c3', 'c5', 'c7'].map(identity), new Date());
    failOn = 'k-c5';
    await expect(buildSnapshots(options())).rejects.toThrow(/batch starting with c5: cannot read the ledger system/);
    failOn = null;
    // A sync between the failure and the resume finds c2, before the resume point c3.
    await identities.replaceAll(['c1', 'c2', 'c3', 'c5', 'c7'].map(identity), new Date());
    asked.length = 0;
    const report = await buildSnapshots(options());
    expect(report).toMatchObject({ completed: true, resumedFrom: 'c3', customers: 5 });
    expect(asked).toEqual([['k-c5', 'k-c7'], ['k-c2']]);
    const docs = await store.db.collection<SnapshotDocument>('snapshots').find({}).sort({ _id: 1 }).toArray();
    expect(docs.map((d) => [d._id, d.figures.ledger?.owed])).toEqual([
      ['c1', 4],
      ['c2', 4],
      ['c3', 4],
      ['c5', 4],
      ['c7', 4],
    ]);
  });

  it('finishes, on resume, a run stopped right after its swap, without reading anyone again', async () => {
    await identities.replaceAll(['c1', 'c2', 'c3'].map(identity), new Date());
    const dying = new DiesAfterSwap(store.db);
    await dying.ensureIndexes(FIGURES);
    await expect(buildSnapshots(options({ snapshots: dying }))).rejects.toThrow('the process was killed');
    asked.length = 0;
    // The next process: its own repository, prepared as the hub prepares it.
    const next = new SnapshotRepository(store.db);
    await next.ensureIndexes(FIGURES);
    const report = await buildSnapshots(options({ snapshots: next }));
    expect(report).toMatchObject({ completed: true, customers: 3, batches: 0 });
    expect(asked).toEqual([]);
    expect((await next.readState())?.completed).toMatchObject({ runId: report.runId, customers: 3 });
    const names = (await store.db.collection('snapshots').listIndexes().toArray()).map((index) => index.name);
    expect(names).toContain('fig_ledger_owed');
    const collections = (await store.db.listCollections().toArray()).map((c) => c.name);
    expect(collections).not.toContain(SNAPSHOT_STAGING_COLLECTION);
    expect(await store.db.collection('snapshots').countDocuments({ runId: report.runId })).toBe(3);
  });

  it('writes the figure indexes into the run collection whoever creates it, a resume in a new process too', async () => {
    // No run collection (an older hub's swap left none, say): the first batch written creates it.
    const next = new SnapshotRepository(store.db);
    await next.ensureIndexes(FIGURES);
    await next.writeBatch([
      {
        _id: 'c9',
        name: 'c9',
        emails: [],
        phones: [],
        links: [],
        figures: {},
        asOf: {},
        runId: 'r',
        syncedAt: new Date(),
      },
    ]);
    const names = (await store.db.collection(SNAPSHOT_STAGING_COLLECTION).listIndexes().toArray()).map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(['runId', 'fig_ledger_owed']));
  });

  it('reads the next batch while it writes the one before, and writes in order', async () => {
    await identities.replaceAll(['c1', 'c2', 'c3', 'c4', 'c5'].map(identity), new Date());
    const events: string[] = [];
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    class HeldWrites extends SnapshotRepository {
      override async writeBatch(docs: readonly SnapshotDocument[]): Promise<void> {
        events.push(`write ${docs.map((d) => d._id).join(',')}`);
        if (docs[0]?._id === 'c1') await firstHeld;
        await super.writeBatch(docs);
      }
    }
    const held = new HeldWrites(store.db);
    await held.ensureIndexes(FIGURES);
    const ledger = options().connectors[0];
    const run = buildSnapshots(
      options({
        snapshots: held,
        connectors: [
          {
            name: 'ledger',
            summarize: (keys) => {
              events.push(`read ${keys.join(',')}`);
              // The second batch's figures are asked while the first write is still held.
              if (keys.includes('k-c3')) releaseFirst();
              return ledger.summarize(keys);
            },
          },
        ],
      }),
    );
    await expect(run).resolves.toMatchObject({ completed: true, customers: 5, batches: 3 });
    // The first write was held until the second batch's figures were asked (else the run never
    // ends); every batch is read before it is written, and written in order.
    expect(events.filter((e) => e.startsWith('write'))).toEqual(['write c1,c2', 'write c3,c4', 'write c5']);
    for (const [read, write] of [
      ['read k-c1,k-c2', 'write c1,c2'],
      ['read k-c3,k-c4', 'write c3,c4'],
      ['read k-c5', 'write c5'],
    ]) {
      expect(events.indexOf(read)).toBeGreaterThanOrEqual(0);
      expect(events.indexOf(read)).toBeLessThan(events.indexOf(write));
    }
  });

  it('settles a failed run only once the batches it was reading ahead have answered', async () => {
    await identities.replaceAll(['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map(identity), new Date());
    let releaseThird!: () => void;
    const thirdHeld = new Promise<void>((resolve) => (releaseThird = resolve));
    let secondFailed!: () => void;
    const failed = new Promise<void>((resolve) => (secondFailed = resolve));
    let thirdAnswered = false;
    let settled = false;
    let markRecorded!: () => void;
    const firstRecorded = new Promise<void>((resolve) => (markRecorded = resolve));
    const run = buildSnapshots(
      options({
        onProgress: (progress) => {
          if (progress.batches === 1) markRecorded();
        },
        connectors: [
          {
            name: 'ledger',
            async summarize(keys) {
              if (keys.includes('k-c3')) {
                secondFailed();
                throw new Error('the ledger answered HTTP 503');
              }
              if (keys.includes('k-c5')) {
                await thirdHeld;
                thirdAnswered = true;
              }
              return new Map(keys.map((key) => [key, { owed: 1 }]));
            },
          },
        ],
      }),
    ).finally(() => (settled = true));
    run.catch(() => undefined);
    // Once the first batch is recorded and the second has failed, the run meets the failure
    // within the same turn (no more round trips): it is then waiting on the third alone.
    await Promise.all([failed, firstRecorded]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    releaseThird();
    await expect(run).rejects.toThrow(/batch starting with c3: cannot read the ledger system/);
    expect(thirdAnswered).toBe(true);
  });

  it('writes a batch again over what an earlier write of it left: replaced, the rest inserted', async () => {
    const doc = (id: string, owed: number): SnapshotDocument => ({
      _id: id,
      name: id,
      emails: [],
      phones: [],
      links: [],
      figures: { ledger: { owed } },
      asOf: {},
      runId: 'r',
      syncedAt: new Date(),
    });
    await snapshots.beginRun();
    await snapshots.writeBatch([doc('c1', 1), doc('c2', 1)]);
    // The process stopped after that write, before recording it: the resume writes the batch again.
    await snapshots.writeBatch([doc('c1', 2), doc('c2', 2), doc('c3', 2)]);
    const written = await store.db
      .collection<SnapshotDocument>(SNAPSHOT_STAGING_COLLECTION)
      .find({})
      .sort({ _id: 1 })
      .toArray();
    expect(written.map((d) => [d._id, d.figures.ledger?.owed])).toEqual([
      ['c1', 2],
      ['c2', 2],
      ['c3', 2],
    ]);
  });

  it('stops between batches when asked, and the next call goes on from there', async () => {
    await identities.replaceAll(['c1', 'c2', 'c3', 'c4', 'c5'].map(identity), new Date());
    let stop = false;
    const paused = await buildSnapshots(
      options({
        onProgress: (progress) => {
          if (progress.batches === 1) stop = true;
        },
        shouldStop: () => stop,
      }),
    );
    expect(paused).toMatchObject({ completed: false, batches: 1 });
    expect((await snapshots.readState())?.completed).toBeNull();
    // The paused run had read batches ahead (reads only); only the first was written.
    expect(asked[0]).toEqual(['k-c1', 'k-c2']);
    expect(await store.db.collection(SNAPSHOT_STAGING_COLLECTION).countDocuments()).toBe(2);
    asked.length = 0;
    const report = await buildSnapshots(options());
    expect(report).toMatchObject({ completed: true, resumedFrom: 'c2', batches: 2, customers: 5 });
    expect(asked).toEqual([['k-c3', 'k-c4'], ['k-c5']]);
  });
});
