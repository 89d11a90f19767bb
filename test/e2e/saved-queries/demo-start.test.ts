import type { HubLogger } from '../../../gateway/logger';
import { startTestHub, type TestHub } from '../../helpers/hub';

describe('a demo hub (npm start) on a fresh store', () => {
  let t: TestHub;
  afterAll(() => t?.close());

  it('builds the first customer-360 snapshots by itself, so the shipped saved queries answer at once', async () => {
    let built!: () => void;
    const snapshotLogged = new Promise<void>((resolve) => (built = resolve));
    const logger: HubLogger = {
      info: (message) => {
        if (message.startsWith('Snapshot: ')) built();
      },
      warn: () => undefined,
      error: () => undefined,
    };
    t = await startTestHub({ scale: 60, demo: true, logger });
    await snapshotLogged;
    const response = await fetch(
      `${new URL(t.hub.url).origin}/queries/win-back-list?lastOrderBefore=2026-06-01T00:00:00Z&format=json`,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: unknown[]; errors: unknown[] };
    expect(body.errors).toEqual([]);
    expect(body.data.length).toBeGreaterThan(0);
  });

  it('leaves a hub that is not in demo mode, with no schedule, to `npm run sync`', async () => {
    const other = await startTestHub({ scale: 20, demo: false });
    try {
      const response = await fetch(
        `${new URL(other.hub.url).origin}/queries/win-back-list?lastOrderBefore=2026-06-01T00:00:00Z`,
      );
      expect(response.status).toBe(503);
      expect(
        ((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code,
      ).toBe('SNAPSHOT_UNAVAILABLE');
    } finally {
      await other.close();
    }
  });
});
