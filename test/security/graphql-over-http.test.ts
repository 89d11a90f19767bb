import { serverAudits } from 'graphql-http';
import { startTestHub, type TestHub } from '../helpers/hub';

/**
 * graphql-http's server audit of the GraphQL-over-HTTP spec, one test per MUST and SHOULD audit:
 * each must pass (a SHOULD that fails is a `warn`, a MUST an `error`; both fail here). The MAYs
 * are not required: the GET ones fail on purpose, since Apollo's CSRF prevention refuses a GET
 * without a non-simple header.
 */
let t: TestHub;
const audits = serverAudits({ url: () => t.hub.url }).filter((audit) => !audit.name.startsWith('MAY'));

beforeAll(async () => {
  t = await startTestHub({ scale: 20 });
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('the GraphQL-over-HTTP server audit', () => {
  it.each(audits.map((audit) => [audit.name, audit] as const))('%s', async (_name, audit) => {
    const result = await audit.fn();
    expect({ status: result.status, reason: 'reason' in result ? result.reason : undefined }).toEqual({
      status: 'ok',
      reason: undefined,
    });
  });
});

describe('a body in a media type the hub does not take', () => {
  it('is 415 with a sentence saying what to send, asking nothing', async () => {
    const response = await fetch(t.hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/graphql' },
      body: '{ __typename }',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: 'Send the request as application/json (or a GET with the query in its URL)',
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
  });
});
