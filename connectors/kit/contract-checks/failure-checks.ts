import { performance } from 'node:perf_hooks';
import type { Connector } from '../contract';
import { closedPortUrl, startStubSystem, type StubBehaviour } from './loopback';
import { errorSummaries, executeOn, departmentsOf, mergeQuery } from './probe';
import { fail, listed, pass, type CheckSubject, type ContractCheck } from './subject';

/** The longest a timeout check waits by default: long enough to be real, short enough for a test run. */
const DEFAULT_CHECK_TIMEOUT_MS = 500;

/** How much later than `timeoutMs` the error may arrive and still count as the timeout honoured. */
const TIMEOUT_SLACK_MS = 1_000;

/**
 * Asks a connector pointed at a stub system for two known keys, and checks that each key's
 * department is null with an error of `code` naming the connector at that key's path.
 */
async function expectFailure(
  subject: CheckSubject,
  behaviour: StubBehaviour,
  code: string,
  overrides: { timeoutMs?: number } = {},
): Promise<{ failure: string | null; elapsedMs: number }> {
  const stub = await startStubSystem(behaviour);
  // A connector that never gives up must fail this check, not hang it: the check has its own deadline.
  const deadlineMs =
    (overrides.timeoutMs ?? subject.config.timeoutMs) * subject.config.retry.maxAttempts + TIMEOUT_SLACK_MS;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), deadlineMs);
  });
  try {
    const connector: Connector = subject.create({ url: stub.url, ...overrides });
    const keys = subject.options.keys.known.slice(0, 2);
    const started = performance.now();
    const query = executeOn(connector, mergeQuery(connector, '{ __typename }'), { keys });
    const result = await Promise.race([query, deadline]);
    const elapsedMs = performance.now() - started;
    if (result === 'deadline') return { failure: `no answer within ${deadlineMs} ms`, elapsedMs };
    const answers = departmentsOf(result, connector);
    if (answers.some((answer) => answer !== null)) return { failure: `answered ${listed(answers)}`, elapsedMs };
    const found = errorSummaries(result.errors);
    const expected = keys.map((_, index) => ({
      code,
      connector: connector.name,
      path: [connector.mergeFieldName, index, connector.name],
    }));
    if (JSON.stringify(found) !== JSON.stringify(expected))
      return { failure: `errors were ${JSON.stringify(found)}; expected ${JSON.stringify(expected)}`, elapsedMs };
    return { failure: null, elapsedMs };
  } finally {
    clearTimeout(timer);
    await stub.close();
  }
}

export const unavailableMapped: ContractCheck = {
  name: 'answers UPSTREAM_UNAVAILABLE when the system fails',
  async run(subject) {
    const { failure } = await expectFailure(subject, 'unavailable', 'UPSTREAM_UNAVAILABLE');
    return failure
      ? fail(`against a stub answering 503: ${failure}`)
      : pass('a loopback stub answering 503 gave UPSTREAM_UNAVAILABLE at each key, naming the connector');
  },
};

export const timeoutHonoured: ContractCheck = {
  name: 'answers UPSTREAM_TIMEOUT within its timeout when the system does not answer',
  async run(subject) {
    const timeoutMs = subject.options.timeoutMs ?? Math.min(subject.config.timeoutMs, DEFAULT_CHECK_TIMEOUT_MS);
    const { failure, elapsedMs } = await expectFailure(subject, 'silent', 'UPSTREAM_TIMEOUT', { timeoutMs });
    const took = `after ${Math.round(elapsedMs)} ms with timeoutMs ${timeoutMs}`;
    if (failure) return fail(`against a stub that never answers, ${took}: ${failure}`);
    // Timer granularity may end a wait a millisecond or so early; anything sooner did not wait.
    if (elapsedMs < timeoutMs - 20) return fail(`gave up too soon, ${took}`);
    if (elapsedMs > timeoutMs + TIMEOUT_SLACK_MS) return fail(`waited too long, ${took}`);
    return pass(`a loopback stub that never answers gave UPSTREAM_TIMEOUT ${took}`);
  },
};

export const healthyWhileUp: ContractCheck = {
  name: 'reports healthy while the system is up',
  async run({ connector }) {
    const health = await connector.health();
    return health.ok ? pass('health() answered ok') : fail(`health() answered not ok: ${health.detail ?? ''}`);
  },
};

export const unhealthyWhenDown: ContractCheck = {
  name: 'reports unhealthy, without throwing, when nothing listens',
  async run({ create }) {
    const offline = create({ url: await closedPortUrl() });
    try {
      const health = await offline.health();
      if (health.ok) return fail('health() answered ok with nothing listening');
      return typeof health.detail === 'string' && health.detail !== ''
        ? pass(`health() answered not ok: ${health.detail}`)
        : fail('health() answered not ok without a detail saying why');
    } catch (error) {
      return fail(`health() threw: ${(error as Error).message}`);
    }
  },
};
