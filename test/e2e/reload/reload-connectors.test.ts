import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestHub, type TestHub } from '../../helpers/hub';
import { forwardTo, startMisbehavingSystem, type MisbehavingSystem } from '../../helpers/misbehaving-system';
import { recordingLogger, type RecordingLogger } from '../../helpers/recording-logger';

jest.setTimeout(60_000);

const CUSTOMER_WITH_CREDIT = /* GraphQL */ `
  query ($id: ID!) {
    customer(id: $id) {
      id
      accounting {
        balance
      }
      credit {
        legalName
      }
    }
  }
`;
const CUSTOMER_ACCOUNTING = /* GraphQL */ `
  query ($id: ID!) {
    customer(id: $id) {
      id
      accounting {
        balance
      }
    }
  }
`;

/** A person both accounting and credit know, with no trap for the identity sync. */
const knownToCredit = (t: TestHub) =>
  t.silos.world.people.find((p) => p.keys.accounting && p.keys.credit && !p.hardCase)!;

/** That person's hub id, from the hub's own map. */
async function customerKnownToCredit(t: TestHub): Promise<string> {
  const person = knownToCredit(t);
  const answer = await t.query<{ customerByPhone: { id: string } }>(
    /* GraphQL */ `
      query ($phone: String!) {
        customerByPhone(phone: $phone) {
          id
        }
      }
    `,
    { phone: person.phone },
  );
  return answer.data!.customerByPhone.id;
}

describe('reloading connectors while the hub serves', () => {
  let t: TestHub;
  let accounting: MisbehavingSystem;
  let log: RecordingLogger;

  beforeEach(async () => {
    log = recordingLogger();
    // Accounting answers through a system that can hold a request: the operation under way.
    accounting = await startMisbehavingSystem();
    t = await startTestHub({
      scale: 50,
      only: ['accounting', 'sales'],
      urls: (silos) => {
        accounting.fallback = forwardTo(silos.urls.accounting);
        return { accounting: accounting.url };
      },
      connectors: { accounting: { timeoutMs: 30_000 } },
      cache: false,
      logger: log.logger,
    });
  });
  afterEach(async () => {
    accounting.releaseHeld();
    await t.close();
    await accounting.close();
  });

  it('finishes an operation under way on the previous graph and answers the next one with credit', async () => {
    const id = await customerKnownToCredit(t);
    const before = await t.query(CUSTOMER_WITH_CREDIT, { id });
    expect(before.errors?.[0]?.message).toBe('Cannot query field "credit" on type "Customer".');

    accounting.script({ kind: 'hold' });
    const underWay = t.query<{ customer: { accounting: { balance: number } | null } }>(CUSTOMER_ACCOUNTING, { id });
    await accounting.whenHeld();

    log.clear(); // start-up's own sync is not the one to wait for
    t.reconfigure({ connectors: { credit: { enabled: true } } });
    const report = await t.hub.reload();
    expect(report).toMatchObject({
      ok: true,
      reason: null,
      connectors: ['accounting', 'sales', 'credit'],
      added: ['credit'],
      removed: [],
    });
    expect(t.hub.connectors.map((c) => c.name)).toEqual(['accounting', 'sales', 'credit']);
    // The new graph validates credit at once; the identity map links credit once the sync it started is done.
    expect(report.identity).toMatch(/^An identity sync \(then a snapshot run\) started in the background for credit/);
    const validated = await t.query(CUSTOMER_WITH_CREDIT, { id });
    expect(validated.errors).toBeUndefined();
    await log.line(/^info: Identity sync: /);
    const after = await t.query<{ customer: { credit: { legalName: string } | null } }>(CUSTOMER_WITH_CREDIT, {
      id,
    });
    expect(after.errors).toBeUndefined();
    // Compared with the credit system's own record of this customer.
    const profile = t.silos.world.credit.find((p) => p.taxNumber === knownToCredit(t).keys.credit)!;
    expect(after.data?.customer.credit?.legalName).toBe(profile.legalName);

    // The previous connectors are not let go while the held operation still runs on them.
    expect(log.lines.filter((line) => line.includes('Released the connectors'))).toEqual([]);
    accounting.releaseHeld();
    const finished = await underWay;
    expect(finished.errors).toBeUndefined();
    expect(typeof finished.data?.customer.accounting?.balance).toBe('number');
    expect(await log.line(/Released the connectors/)).toBe(
      'info: Released the connectors of the previous configuration (accounting, sales)',
    );
  });
});

describe('reloading to a configuration that does not start', () => {
  let t: TestHub;
  let log: RecordingLogger;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sb-reload-'));
    log = recordingLogger();
    t = await startTestHub({ scale: 50, only: ['accounting', 'sales'], logger: log.logger });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Reloads with `change`; checks that the previous graph still serves, and returns the reason. */
  async function refusedReason(change: Parameters<TestHub['reconfigure']>[0]): Promise<string | null> {
    const id = await customerKnownToCredit(t);
    t.reconfigure(change);
    const report = await t.hub.reload();
    expect(report).toMatchObject({ ok: false, connectors: ['accounting', 'sales'], added: [], removed: [] });
    expect(t.hub.connectors.map((c) => c.name)).toEqual(['accounting', 'sales']);
    const still = await t.query(CUSTOMER_ACCOUNTING, { id });
    expect(still.errors).toBeUndefined();
    const credit = await t.query(CUSTOMER_WITH_CREDIT, { id });
    expect(credit.errors?.[0]?.message).toBe('Cannot query field "credit" on type "Customer".');
    expect(await log.line(/^error: Reloading the connectors was refused/)).toBe(
      `error: Reloading the connectors was refused; still serving the previous configuration (accounting, sales): ${report.reason}`,
    );
    log.clear();
    return report.reason;
  }

  it('keeps serving and says so when a connector cannot be found where its `from` says', async () => {
    expect(
      await refusedReason({ connectors: { credit: { enabled: true, from: 'switchboard-connector-nowhere' } } }),
    ).toBe(
      `Invalid config: connectors.credit.from: no connector package or folder "switchboard-connector-nowhere" can be found from ${process.cwd()}`,
    );
  });

  it('keeps serving and says so when a connector setting is invalid', async () => {
    expect(await refusedReason({ connectors: { credit: { enabled: true, timeoutMs: -1 } } })).toBe(
      'Invalid config: connectors.credit.timeoutMs: Too small: expected number to be >0',
    );
  });

  it('keeps serving and says so when the access policy names a type the new graph lacks', async () => {
    const policyFile = path.join(dir, 'policy.yaml');
    writeFileSync(policyFile, 'types:\n  Query:\n    "*": [admin]\n  Nonexistent:\n    "*": [admin]\n');
    expect(await refusedReason({ connectors: { credit: { enabled: true } }, policyFile })).toBe(
      `Invalid access policy ${policyFile}: types.Nonexistent: no such object type in the graph`,
    );
  });
});
