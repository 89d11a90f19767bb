import { spawnSync } from 'node:child_process';
import { StoreLease } from '../../store/lease';
import { useTestStore } from '../helpers/test-store';

describe('the store lease', () => {
  const store = useTestStore('lease');
  const owner = (name: string, pid = process.pid, host = 'this-host') => ({ owner: name, host, pid });
  const t0 = new Date('2026-12-01T10:00:00Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);

  it('lets one holder at a time rebuild, extends for its holder, and frees on release', async () => {
    const a = new StoreLease(store.db, 'map', 60_000, owner('a'));
    const b = new StoreLease(store.db, 'map', 60_000, owner('b', 1, 'other-host'));
    expect(await a.acquire(t0)).toEqual({ held: true });
    expect(await b.acquire(at(1_000))).toMatchObject({ held: false, holder: { owner: 'a', expiresAt: at(60_000) } });
    expect(await a.acquire(at(30_000))).toEqual({ held: true });
    await a.release();
    expect(await b.acquire(at(31_000))).toEqual({ held: true });
  });

  it('expires by itself when its holder stops renewing it', async () => {
    const a = new StoreLease(store.db, 'map', 60_000, owner('a', 1, 'other-host'));
    const b = new StoreLease(store.db, 'map', 60_000, owner('b', 2, 'another-host'));
    await a.acquire(t0);
    expect((await b.acquire(at(59_999))).held).toBe(false);
    expect((await b.acquire(at(60_000))).held).toBe(true);
  });

  it('takes over at once from a holder on this machine whose process is gone (a hub killed mid-sync)', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid;
    const crashed = new StoreLease(store.db, 'map', 600_000, owner('crashed', dead));
    const restarted = new StoreLease(store.db, 'map', 600_000, owner('restarted'));
    await crashed.acquire(t0);
    expect(await restarted.acquire(at(1_000))).toEqual({ held: true });
    // A live holder on this machine is not taken over.
    const third = new StoreLease(store.db, 'map', 600_000, owner('third'));
    expect((await third.acquire(at(2_000))).held).toBe(false);
  });
});

describe('a hub while another process rebuilds the customer map', () => {
  it('refuses to sync identities or build snapshots, saying who holds the map, and goes on once it is free', async () => {
    const { startTestHub } = await import('../helpers/hub');
    const { CUSTOMER_MAP_LEASE } = await import('../../store/lease');
    const t = await startTestHub({ scale: 20 });
    try {
      const other = new StoreLease(t.hub.store.db, CUSTOMER_MAP_LEASE, 600_000, {
        owner: 'elsewhere',
        host: 'another-host',
        pid: 4242,
      });
      expect((await other.acquire()).held).toBe(true);
      await expect(t.hub.syncIdentities()).rejects.toThrow(
        /^Another process is rebuilding the customer map \(another-host, pid 4242\); its lease runs until /,
      );
      await expect(t.hub.buildSnapshots()).rejects.toThrow(/^Another process is rebuilding the customer map/);
      await other.release();
      expect((await t.hub.syncIdentities()).customers).toBe(t.silos.world.people.length);
      expect((await t.hub.buildSnapshots()).completed).toBe(true);
    } finally {
      await t.close();
    }
  });
});
