import { request as httpRequest } from 'node:http';
import type { HubLogger } from '../../../gateway/logger';
import { startTestHub, type TestHub } from '../../helpers/hub';

const ONE_BY_ONE = /* GraphQL */ `
  query OneByOne($first: Int = 1, $after: String) {
    customers(first: $first, after: $after) {
      nodes {
        id
      }
    }
  }
`;

// A client that goes away mid-export: the hub stops asking for pages (it would otherwise read the
// whole list for nobody) and says so in its log, rather than failing or waiting for ever.
describe('an export whose client goes away half-way', () => {
  let t: TestHub;
  let left!: (message: string) => void;
  const clientLeft = new Promise<string>((resolve) => (left = resolve));
  const logger: HubLogger = {
    info: (message) => {
      // Either ending settles the test: an export that ran to its end fails it at once.
      if (message.includes('the client left after') || message.startsWith('Exported saved query one-by-one'))
        left(message);
    },
    warn: () => undefined,
    error: (message) => left(`error: ${message}`),
  };

  beforeAll(async () => {
    t = await startTestHub({ scale: 40, logger });
    const saved = await t.post('mutation ($input: SaveQueryInput!) { saveQuery(input: $input) { version } }', {
      input: { name: 'one-by-one', description: 'A customer a page', document: ONE_BY_ONE },
    });
    expect(((await saved.json()) as { errors?: unknown }).errors).toBeUndefined();
  });
  afterAll(() => t?.close());

  it('stops at the rows it had sent and logs that the client left', async () => {
    const counted = (await (await t.post('{ customers(first: 1) { totalCount } }')).json()) as {
      data: { customers: { totalCount: number } };
    };
    const total = counted.data.customers.totalCount;
    const url = `${new URL(t.hub.url).origin}/queries/one-by-one?format=csv`;
    const request = httpRequest(url, (response) => {
      // The first rows arrived: the client hangs up.
      response.once('data', () => request.destroy());
    });
    request.on('error', () => undefined);
    request.end();
    const message = await clientLeft;
    const rows = Number(/after (\d+) rows/.exec(message)?.[1]);
    expect(message).toMatch(/^Export of saved query one-by-one v1: the client left after \d+ rows$/);
    // Not the whole list, a page a customer: it stopped once the client was gone.
    expect(total).toBeGreaterThan(10);
    expect(rows).toBeLessThan(total);
  });
});
