import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectorConfigSchema } from '../../../config';
import { graphql } from 'graphql';
import type { Connector } from '../../../connectors';
import { bareRuntime, FreshnessLog } from '../../../gateway/runtime';
import { DEMO_PRINCIPAL } from '../../../schema/principal';
import {
  declaredConnector,
  parseDeclaration,
  type RestConnectorDeclarationInput,
} from '../../../connectors/declarative';

/** What the fake system saw of one request. */
interface Seen {
  method: string;
  url: string;
  apiKey: string | undefined;
  body: unknown;
}

/** A tiny REST system on loopback: `answer` decides each reply, `seen` records each request. */
async function fakeSystem(answer: (request: Seen) => unknown): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const read = async (request: IncomingMessage) => {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  const server = createServer((request, response) => {
    void read(request).then((body) => {
      const one: Seen = {
        method: request.method ?? '',
        url: request.url ?? '',
        apiKey: request.headers['x-api-key'] as string | undefined,
        body,
      };
      seen.push(one);
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(answer(one)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const PEOPLE = [
  { code: 'P1', first: 'Ada', last: 'Lovelace', mail: ' Ada@Example.com', balance: 1999 },
  { code: 'P2', first: 'Alan', last: 'Turing', mail: 'alan@example.com', balance: -500 },
  { code: 'P3', first: 'Grace', last: 'Hopper', mail: null, balance: 0 },
];

function declaration(
  batch: RestConnectorDeclarationInput['batch'],
  paging: RestConnectorDeclarationInput['directory']['paging'],
) {
  return parseDeclaration(
    {
      name: 'ledger',
      description: 'A small ledger keyed by person code.',
      key: { name: 'person code', normalise: 'trim-lowercase' },
      auth: { type: 'header', header: 'X-Api-Key', credential: 'apiKey' },
      batch,
      directory: {
        path: '/people',
        records: 'data.items',
        paging,
        entry: { key: 'code', firstName: 'first', lastName: 'last', emails: ['mail'] },
      },
      graph: {
        record: 'LedgerPerson',
        description: 'The person in the ledger; null when it has none.',
        types: {
          LedgerPerson: {
            description: 'A person in the ledger.',
            fields: {
              code: { type: 'ID', description: 'The person code.' },
              email: {
                type: 'String',
                from: 'mail',
                nullable: true,
                transform: ['trim', 'lowercase'],
                description: 'E-mail.',
              },
              balance: { type: 'Float', transform: ['minorUnits'], description: 'Balance in whole units.' },
            },
          },
        },
      },
    },
    'ledger.yaml',
  );
}

describe('a declared transport', () => {
  let system: Awaited<ReturnType<typeof fakeSystem>>;
  let broken = false;
  let connector: (d: ReturnType<typeof declaration>, url?: string) => Connector;
  beforeAll(async () => {
    system = await fakeSystem(({ url, body }) => {
      const query = new URL(url, 'http://x').searchParams;
      if (url.startsWith('/people/batch') || url.startsWith('/lookup')) {
        const keys =
          (body as { codes?: string[] } | undefined)?.codes ??
          (query.getAll('code').length > 1 ? query.getAll('code') : (query.get('code') ?? '').split(','));
        const people = PEOPLE.filter((p) => keys.includes(p.code.toLowerCase()));
        return { result: { people: broken ? people.map((p) => ({ ...p, balance: String(p.balance) })) : people } };
      }
      const from = Number(query.get('offset') ?? (Number(query.get('page') ?? 1) - 1) * Number(query.get('size')));
      return { data: { items: PEOPLE.slice(from, from + Number(query.get('size'))), total: PEOPLE.length } };
    });
    connector = (d, url = system.url) =>
      declaredConnector(d).create(
        connectorConfigSchema.parse({ url, credentials: { apiKey: { env: 'LEDGER_KEY' } } }),
        { ...bareRuntime(), env: { LEDGER_KEY: 'k-123' } },
      );
  });
  afterAll(() => new Promise<void>((resolve) => system.server.close(() => resolve())));
  beforeEach(() => system.seen.splice(0));

  const byPost = {
    method: 'POST',
    path: '/people/batch',
    body: 'codes',
    records: 'result.people',
    key: 'code',
    maxBatchSize: 2,
  } as const;
  const byPage = { style: 'page', page: 'page', size: 'size', total: 'data.total' } as const;

  it('posts the keys under the declared body key, at most maxBatchSize at a time, with the credential', async () => {
    const figures = await connector(declaration(byPost, byPage)).summarize(['p1', 'p2', 'p3']);
    expect(figures.size).toBe(3);
    expect(system.seen.map(({ method, url, apiKey, body }) => ({ method, url, apiKey, body }))).toEqual([
      { method: 'POST', url: '/people/batch', apiKey: 'k-123', body: { codes: ['p1', 'p2'] } },
      { method: 'POST', url: '/people/batch', apiKey: 'k-123', body: { codes: ['p3'] } },
    ]);
  });

  it('sends the keys as one comma-separated query parameter, or the parameter repeated', async () => {
    const get = {
      method: 'GET',
      path: '/lookup',
      query: 'code',
      records: 'result.people',
      key: 'code',
      maxBatchSize: 10,
    } as const;
    await connector(declaration({ ...get, style: 'comma' }, byPage)).refresh(['p1', 'p2']);
    await connector(declaration({ ...get, style: 'repeat' }, byPage)).refresh(['p1', 'p2']);
    expect(system.seen.map((one) => one.url)).toEqual(['/lookup?code=p1,p2', '/lookup?code=p1&code=p2']);
  });

  it('maps minor units, trims and lower-cases as declared', async () => {
    const ledger = connector(declaration(byPost, byPage));
    const result = await graphql({
      schema: ledger.schema,
      source: /* GraphQL */ `
        query ($keys: [String]!) {
          ledgerCustomers(keys: $keys) {
            ledger {
              code
              email
              balance
            }
          }
        }
      `,
      variableValues: { keys: [' P1', 'P2', 'P3', 'P9'] },
      contextValue: {
        requestId: 't',
        principal: DEMO_PRINCIPAL,
        freshness: new FreshnessLog(),
        scopes: new Map([['ledger', ledger.createRequestScope()]]),
      },
    });
    expect(result).toEqual({
      data: {
        ledgerCustomers: [
          { ledger: { code: 'P1', email: 'ada@example.com', balance: 19.99 } },
          { ledger: { code: 'P2', email: 'alan@example.com', balance: -5 } },
          { ledger: { code: 'P3', email: null, balance: 0 } },
          { ledger: null },
        ],
      },
    });
  });

  it('refuses a record whose shape changed with UPSTREAM_UNAVAILABLE naming the field', async () => {
    broken = true;
    try {
      await expect(connector(declaration(byPost, byPage)).summarize(['p1'])).rejects.toMatchObject({
        message:
          'The ledger system is unavailable: unexpected answer to POST /people/batch: result.people.0.balance: Invalid input: expected number, received string',
        extensions: { code: 'UPSTREAM_UNAVAILABLE', connector: 'ledger' },
      });
    } finally {
      broken = false;
    }
  });

  it('walks a page-numbered directory, joining first and last names', async () => {
    const pages: string[][] = [];
    for await (const page of connector(declaration(byPost, byPage)).directory(2))
      pages.push(page.map((e) => `${e.key} ${e.name}`));
    expect(pages).toEqual([['P1 Ada Lovelace', 'P2 Alan Turing'], ['P3 Grace Hopper']]);
    expect(system.seen.map((one) => one.url)).toEqual(['/people?size=2&page=1', '/people?size=2&page=2']);
  });

  it('walks an offset directory, keeping only the e-mails a record has', async () => {
    const entries = [];
    for await (const page of connector(
      declaration(byPost, { style: 'offset', offset: 'offset', size: 'size', total: 'data.total' }),
    ).directory(2))
      entries.push(...page);
    expect(entries.map((entry) => entry.emails)).toEqual([[' Ada@Example.com'], ['alan@example.com'], []]);
    expect(system.seen.map((one) => one.url)).toEqual(['/people?size=2&offset=0', '/people?size=2&offset=2']);
  });

  it('stops a directory that pages forever with UPSTREAM_UNAVAILABLE, after a bounded number of requests', async () => {
    const cursorPaging = { style: 'cursor', cursor: 'after', next: 'data.next', size: 'size' } as const;
    // A system that gives the same cursor again, and one that lists the same customers on every page.
    for (const [answer, message] of [
      [
        (one: Seen) => ({ data: { items: [PEOPLE[one.url.includes('after') ? 1 : 0]], next: 'same-cursor' } }),
        'The ledger system is unavailable: its directory gave a cursor it had given before, so the walk was stopped',
      ],
      [
        (one: Seen) => ({ data: { items: [PEOPLE[0]], next: `c${one.url.length}` } }),
        'The ledger system is unavailable: its directory answered a page of customers it had already listed, so the walk was stopped',
      ],
    ] as const) {
      const looping = await fakeSystem(answer);
      try {
        const walk = async () => {
          for await (const page of connector(declaration(byPost, cursorPaging), looping.url).directory(1)) void page;
        };
        await expect(walk()).rejects.toMatchObject({ message, extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
        expect(looping.seen.length).toBeLessThanOrEqual(3);
      } finally {
        await new Promise<void>((resolve) => looping.server.close(() => resolve()));
      }
    }
  });
});
