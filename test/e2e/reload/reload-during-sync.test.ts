import { recordingLogger } from '../../helpers/recording-logger';
import { startTestHub, type TestHub } from '../../helpers/hub';

describe('a reload that adds a connector while an identity sync is under way', () => {
  let t: TestHub;
  const log = recordingLogger();
  beforeAll(async () => {
    t = await startTestHub({ scale: 50, only: ['accounting', 'sales'], logger: log.logger });
  });
  afterAll(() => t.close());

  it('links the added department once the sync that read the previous connectors is done', async () => {
    // Sales answers slowly, so the sync started below is still reading when the reload comes.
    await t.chaos('sales', { latencyMs: 1_000 });
    const running = t.hub.syncIdentities();
    t.reconfigure({ connectors: { credit: { enabled: true } } });
    const report = await t.hub.reload();
    expect(report.added).toEqual(['credit']);
    // The sync under way read accounting and sales only.
    expect(Object.keys((await running).records).sort()).toEqual(['accounting', 'sales']);
    await t.chaos('sales', {});
    // The reload's own sync, queued behind it, reads credit too.
    await log.line(/Identity sync: .*"credit":\d+/);
    const person = t.silos.world.people.find((p) => p.keys.credit && p.keys.accounting && p.hardCase === null)!;
    const answer = await t.query<{ customerByPhone: { credit: { taxNumber: string } | null } | null }>(
      /* GraphQL */ `
        query ($phone: String!) {
          customerByPhone(phone: $phone) {
            credit {
              taxNumber
            }
          }
        }
      `,
      { phone: person.phone },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.customerByPhone?.credit?.taxNumber).toBe(person.keys.credit);
  });
});
