import http from 'node:http';

/**
 * A tiny department system on loopback with the REST shape `switchboard connector new` assumes:
 *
 *   POST /<records>/batch  { "ids": [...] }         -> { "results": [record...] }  (unknown ids left out)
 *   GET  /<records>?limit=N[&cursor=C]              -> { "results": [record...], "nextCursor": C | null }
 *   GET  /health                                     -> { "status": "ok" }
 *
 * Quirks make it misbehave the ways real systems do, for the checks that must catch them.
 */
export interface RestRecord {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  updatedAt: string;
}

/** Ways the fake system can misbehave. */
export interface RestSystemQuirks {
  /** The batch answer lists records in the system's own order, not the order asked. */
  ignoreKeyOrder?: boolean;
  /** An id asked for twice is answered twice. */
  answerDuplicatesTwice?: boolean;
  /** Each directory page starts with the previous page's last record again (an off-by-one cursor). */
  overlappingPages?: boolean;
}

export interface RestSystemOptions {
  /** The records' path segment, e.g. `members`. */
  records: string;
  /** How many records it holds; ids are `<prefix>-0001`... Default 30. */
  count?: number;
  /** Id prefix; default `m`. */
  prefix?: string;
  quirks?: RestSystemQuirks;
}

export interface RunningRestSystem {
  readonly url: string;
  /** Every record, in the system's own (directory) order: the ground truth tests compare with. */
  readonly records: readonly RestRecord[];
  /** The bodies of the batch requests it received, oldest first. */
  readonly batches: ReadonlyArray<{ ids: string[] }>;
  close(): Promise<void>;
}

function recordsOf(count: number, prefix: string): RestRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const n = String(index + 1).padStart(4, '0');
    return {
      id: `${prefix}-${n}`,
      name: `Customer ${n}`,
      // Every third record has no e-mail, every other no phone: connectors must take nulls.
      email: index % 3 === 2 ? null : `customer${n}@example.test`,
      phone: index % 2 === 1 ? null : `+1202555${n}`,
      updatedAt: new Date(Date.UTC(2024, 0, 1 + index, 12)).toISOString(),
    };
  });
}

/** Starts the fake system on 127.0.0.1 and a port the OS chose. */
export async function startRestSystem(options: RestSystemOptions): Promise<RunningRestSystem> {
  const records = recordsOf(options.count ?? 30, options.prefix ?? 'm');
  const byId = new Map(records.map((record) => [record.id, record]));
  const quirks = options.quirks ?? {};
  const batches: Array<{ ids: string[] }> = [];
  const json = (response: http.ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      if (request.method === 'GET' && url.pathname === '/health') return json(response, 200, { status: 'ok' });
      if (request.method === 'POST' && url.pathname === `/${options.records}/batch`) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { ids?: unknown };
        if (!Array.isArray(body.ids)) return json(response, 400, { error: 'ids must be a list' });
        const ids = body.ids.map(String);
        batches.push({ ids });
        const asked = quirks.answerDuplicatesTwice ? ids : [...new Set(ids)];
        const found = asked.flatMap((id) => byId.get(id) ?? []);
        const order = (record: RestRecord) => records.indexOf(record);
        return json(response, 200, {
          results: quirks.ignoreKeyOrder ? [...found].sort((a, b) => order(a) - order(b)) : found,
        });
      }
      if (request.method === 'GET' && url.pathname === `/${options.records}`) {
        const limit = Number(url.searchParams.get('limit') ?? '20');
        let start = Number(url.searchParams.get('cursor') ?? '0');
        if (quirks.overlappingPages && start > 0) start -= 1;
        const results = records.slice(start, start + limit);
        const next = start + results.length;
        return json(response, 200, { results, nextCursor: next < records.length ? String(next) : null });
      }
      return json(response, 404, { error: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new TypeError('Expected a TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    records,
    batches,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
