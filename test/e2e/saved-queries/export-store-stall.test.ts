import { request as httpRequest } from 'node:http';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../../store';
import { startHoldingProxy, type HoldingProxy } from '../../helpers/tcp-hold';
import { startTestHub, type TestHub } from '../../helpers/hub';

/** A page at a time, one customer a page: the export asks the store again for every row. */
const ONE_BY_ONE = /* GraphQL */ `
  query OneByOne($first: Int = 1, $after: String) {
    customers(first: $first, after: $after) {
      totalCount
      nodes {
        id
      }
    }
  }
`;

/** What the client got before the transfer ended, and whether it ended as a whole response does. */
interface Cut {
  status: number;
  lines: number;
  complete: boolean;
  trailer: string | undefined;
}

// The store stops answering half-way through an export: the rows already sent cannot be taken
// back, so the only honest signal left is a transfer that never completes, never a file that
// ends as if the list did.
describe('an export whose store stops answering half-way', () => {
  let server: EmbeddedMongo;
  let proxy: HoldingProxy;
  let t: TestHub;

  beforeAll(async () => {
    server = await startEmbeddedMongo({ memory: true, tcp: true });
    proxy = await startHoldingProxy({ host: '127.0.0.1', port: server.tcp!.port });
    t = await startTestHub({
      scale: 40,
      responseCache: { maxEntries: 0 },
      mongodb: { uri: `mongodb://${proxy.address}/?directConnection=true`, operationTimeoutMs: 1_000 },
    });
    const saved = await t.post('mutation ($input: SaveQueryInput!) { saveQuery(input: $input) { version } }', {
      input: { name: 'one-by-one', description: 'A customer a page', document: ONE_BY_ONE },
    });
    expect(((await saved.json()) as { errors?: unknown }).errors).toBeUndefined();
  });
  afterAll(async () => {
    proxy?.release();
    await t?.close();
    await proxy?.close();
    await server?.close();
  });

  it('cuts the transfer short instead of ending the file, once the rows sent so far are out', async () => {
    const total = Number(
      (
        (await (await t.post('{ customers(first: 1) { totalCount } }')).json()) as {
          data: { customers: { totalCount: number } };
        }
      ).data.customers.totalCount,
    );
    const url = `${new URL(t.hub.url).origin}/queries/one-by-one?format=csv`;
    const cut = await new Promise<Cut>((resolve, reject) => {
      const request = httpRequest(url, (response) => {
        let lines = 0;
        const finish = () =>
          resolve({
            status: response.statusCode ?? 0,
            lines,
            complete: response.complete,
            trailer: response.trailers['switchboard-errors'],
          });
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          // The first rows are out: from now on the store takes every byte and answers none.
          if (lines === 0) proxy.hold();
          lines += chunk.split('\n').length - 1;
        });
        response.on('end', finish);
        response.on('error', finish);
        response.on('aborted', finish);
      });
      request.on('error', reject);
      request.end();
    });
    expect(cut.status).toBe(200);
    expect(cut.complete).toBe(false);
    // The header and some rows, not all of them; and no trailer saying the export ended.
    expect(cut.lines).toBeGreaterThan(0);
    expect(cut.lines).toBeLessThan(1 + total);
    expect(cut.trailer).toBeUndefined();
  });
});
