import type { Person } from '../../../silos';
import {
  CREDITED_ITEMS,
  asListCredit,
  asScreenPopCredit,
  everywhere,
  internalText,
  listErrors,
  publicErrors,
  screenPopError,
  startFaultHub,
  type CreditListData,
  type FaultHub,
  type ScreenPopData,
} from '../../helpers/fault-hub';
import { gzipBomb, type Fault } from '../../helpers/misbehaving-system';

// One hub for the whole file, its credit connector behind the misbehaving system. The breaker
// is kept shut (a minimum no test reaches) so each fault is seen as itself; it has its own
// suite. Retries are the defaults: two tries per read, within a budget of 10 retries plus 20%
// of reads, which the file's eight retries stay inside of whatever the order, so every retryable
// failure is retried exactly once.
const TIMEOUT_MS = 300;
const MAX_RESPONSE_BYTES = 256 * 1024;
const BOMB_BYTES = 64 * 1024 * 1024;

/** How a fault is put in place. */
interface FailingCase {
  fault: string;
  cause: (f: FaultHub) => void | Promise<void>;
  code: 'UPSTREAM_UNAVAILABLE' | 'UPSTREAM_TIMEOUT';
  message: string;
  /** Requests that reach the system per read (a retried failure costs two). */
  reached: number;
}

const UNAVAILABLE = 'The credit system is unavailable';
const always = (fault: Fault) => (f: FaultHub) => f.misbehave(fault);

const failing: FailingCase[] = [
  {
    fault: 'is down (connection refused)',
    cause: (f) => f.down(),
    code: 'UPSTREAM_UNAVAILABLE',
    message: `${UNAVAILABLE}: it refused the connection`,
    reached: 0,
  },
  {
    fault: 'answers only after the timeout',
    cause: always({ kind: 'late', afterMs: 5 * TIMEOUT_MS }),
    code: 'UPSTREAM_TIMEOUT',
    message: `The credit system did not answer within ${TIMEOUT_MS} ms`,
    reached: 1,
  },
  {
    fault: 'hangs without sending headers',
    cause: always({ kind: 'hold' }),
    code: 'UPSTREAM_TIMEOUT',
    message: `The credit system did not answer within ${TIMEOUT_MS} ms`,
    reached: 1,
  },
  {
    // The socket is never idle, so only the total deadline (not a header or idle timeout) ends it.
    fault: 'dribbles its body a byte every 20 ms',
    cause: always({ kind: 'dribble', everyMs: 20 }),
    code: 'UPSTREAM_TIMEOUT',
    message: `The credit system did not answer within ${TIMEOUT_MS} ms`,
    reached: 1,
  },
  {
    fault: 'resets every connection',
    cause: always({ kind: 'reset' }),
    code: 'UPSTREAM_UNAVAILABLE',
    message: `${UNAVAILABLE}: the connection was reset`,
    reached: 2,
  },
  {
    fault: 'answers 429 asking for longer than the retry may wait',
    cause: always({ kind: 'json', status: 429, body: { error: 'slow down' }, headers: { 'retry-after': '120' } }),
    code: 'UPSTREAM_UNAVAILABLE',
    message: `${UNAVAILABLE}: it answered HTTP 429`,
    reached: 1,
  },
  {
    fault: 'sends malformed JSON',
    cause: always({ kind: 'malformed' }),
    code: 'UPSTREAM_UNAVAILABLE',
    message: `${UNAVAILABLE}: unexpected answer to POST /profiles/lookup: (body): Invalid input: expected object, received string`,
    reached: 1,
  },
  {
    fault: 'sends profiles of the wrong shape',
    cause: always({ kind: 'json', body: { results: [{ taxNumber: '12-3456789', score: 'excellent' }] } }),
    code: 'UPSTREAM_UNAVAILABLE',
    message: `${UNAVAILABLE}: unexpected answer to POST /profiles/lookup: results.0.legalName: Invalid input: expected string, received undefined`,
    reached: 1,
  },
  {
    fault: 'sends an answer larger than maxResponseBytes',
    cause: always({ kind: 'huge', bytes: 32 * 1024 * 1024 }),
    code: 'UPSTREAM_UNAVAILABLE',
    message: `${UNAVAILABLE}: its answer is larger than ${MAX_RESPONSE_BYTES} bytes`,
    reached: 1,
  },
  {
    fault: 'sends a gzip bomb',
    cause: always({ kind: 'gzipBomb', inflatedBytes: BOMB_BYTES }),
    code: 'UPSTREAM_UNAVAILABLE',
    message: `${UNAVAILABLE}: its answer is larger than ${MAX_RESPONSE_BYTES} bytes`,
    reached: 1,
  },
  {
    fault: 'drops the connection in the middle of a 200',
    cause: always({ kind: 'cutOff' }),
    code: 'UPSTREAM_UNAVAILABLE',
    message: `${UNAVAILABLE}: its answer broke off or could not be decoded`,
    reached: 1,
  },
  {
    fault: 'sends a 200 whose gzip body is not gzip',
    cause: always({ kind: 'corruptGzip' }),
    code: 'UPSTREAM_UNAVAILABLE',
    message: `${UNAVAILABLE}: its answer broke off or could not be decoded`,
    reached: 1,
  },
];

describe('a screen pop and a list through GraphQL while the credit system misbehaves', () => {
  let f: FaultHub;
  let caller: Person;
  /** The healthy answers, checked against the silo's own records in the first test. */
  let healthy: { pop: ScreenPopData['customerByPhone']; list: CreditListData['customers']['nodes'] };

  beforeAll(async () => {
    gzipBomb(BOMB_BYTES);
    f = await startFaultHub({
      cache: false,
      connectors: {
        credit: {
          timeoutMs: TIMEOUT_MS,
          maxResponseBytes: MAX_RESPONSE_BYTES,
          breaker: { failureRate: 0.8, windowSeconds: 10, minimumRequests: 1_000, resetSeconds: 10 },
        },
      },
    });
    caller = everywhere(f.t)[0];
    const pop = await f.screenPop(caller.phone);
    const list = await f.creditList();
    healthy = { pop: pop.body.data!.customerByPhone, list: list.body.data!.customers.nodes };
  });
  afterEach(() => f.behave());
  afterAll(() => f.close());

  it('answers the whole screen pop and list from the credit system while it behaves', async () => {
    const [pop, list] = [await f.screenPop(caller.phone), await f.creditList()];
    const truth = await f.truth([caller.keys.credit!]);
    expect([pop.status, pop.body.errors, pop.reached]).toEqual([200, undefined, 1]);
    expect(pop.body.data!.customerByPhone.credit).toEqual(asScreenPopCredit(truth.get(caller.keys.credit!)!));
    for (const department of ['accounting', 'sales', 'support'] as const)
      expect(pop.body.data!.customerByPhone[department]).not.toBeNull();

    expect([list.status, list.body.errors, list.reached]).toEqual([200, undefined, 1]);
    const nodes = list.body.data!.customers.nodes;
    const creditKeys = nodes.map((node) => node.links.find((link) => link.system === 'credit')?.key ?? null);
    // Seed 5's first three customers: credit, no credit, credit (the failing cases' expected errors).
    expect(creditKeys.map((key) => key !== null)).toEqual([true, false, true]);
    expect(creditKeys.flatMap((key, index) => (key === null ? [] : [index]))).toEqual(CREDITED_ITEMS);
    const listTruth = await f.truth(creditKeys.filter((key) => key !== null));
    expect(nodes.map((node) => node.credit)).toEqual(
      creditKeys.map((key) => (key === null ? null : asListCredit(listTruth.get(key)!))),
    );
  });

  it.each(failing)(
    'answers HTTP 200, credit null at its path and $code when the credit system $fault',
    async ({ cause, code, message, reached }) => {
      await cause(f);
      const pop = await f.screenPop(caller.phone);
      expect(pop.status).toBe(200);
      expect(pop.body.data).toEqual({ customerByPhone: { ...healthy.pop, credit: null } });
      expect(publicErrors(pop.body)).toEqual([screenPopError(code, message)]);
      expect(internalText(pop.body, f.system)).toEqual([]);
      expect(pop.reached).toBe(reached);

      const list = await f.creditList();
      expect(list.status).toBe(200);
      expect(list.body.data).toEqual({
        customers: { nodes: healthy.list.map((node) => ({ ...node, credit: null })) },
      });
      expect(publicErrors(list.body)).toEqual(listErrors(code, message));
      expect(internalText(list.body, f.system)).toEqual([]);
      // One batch request for the two credited customers.
      expect(list.reached).toBe(reached);
    },
  );

  it('stops reading a huge answer at the cap instead of draining it', async () => {
    const before = f.system.bytesSent;
    f.misbehave({ kind: 'huge', bytes: 32 * 1024 * 1024 });
    await f.screenPop(caller.phone);
    expect(f.system.bytesSent - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('retries a reset connection once and answers in full, the client none the wiser', async () => {
    f.system.script({ kind: 'reset' });
    const pop = await f.screenPop(caller.phone);
    expect([pop.status, pop.body.errors, pop.reached]).toEqual([200, undefined, 2]);
    expect(pop.body.data!.customerByPhone).toEqual(healthy.pop);

    f.system.script({ kind: 'reset' });
    const list = await f.creditList();
    expect([list.status, list.body.errors, list.reached]).toEqual([200, undefined, 2]);
    expect(list.body.data!.customers.nodes).toEqual(healthy.list);
  });

  it('retries a read answered 429 after the Retry-After it asked for, and answers in full', async () => {
    const tooMany: Fault = { kind: 'json', status: 429, body: { error: 'slow down' }, headers: { 'retry-after': '1' } };
    for (const ask of [() => f.screenPop(caller.phone), () => f.creditList()]) {
      f.system.script(tooMany);
      const first = f.system.received.length;
      const answer = await ask();
      expect([answer.status, answer.body.errors, answer.reached]).toEqual([200, undefined, 2]);
      const [refused, retried] = f.system.received.slice(first);
      expect([refused.url, retried.url]).toEqual(['/profiles/lookup', '/profiles/lookup']);
      // Backoff without Retry-After waits at most baseDelayMs (100 ms): a second means it was honoured.
      expect(retried.at - refused.at).toBeGreaterThanOrEqual(1_000);
    }
    expect((await f.screenPop(caller.phone)).body.data!.customerByPhone).toEqual(healthy.pop);
  });
});
