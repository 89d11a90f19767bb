import http from 'node:http';
import { requestBody, TRIVIAL_QUERY } from './documents';
import { runHttpLoad, runWorkerLoad } from './load';
import { measureRow, type MeasuredRow } from './measure';
import type { HubProcess } from './processes';
import type { KnownCustomer } from './workload';

/**
 * The batch endpoint each connector calls and how it names its keys (silos/README.md). The floor
 * sends exactly what the connectors send for one customer, and nothing else.
 */
export const FLOOR_ENDPOINTS: Record<string, { path: string; keysField: string }> = {
  accounting: { path: '/accounts/batch', keysField: 'accountNumbers' },
  sales: { path: '/contacts/batch', keysField: 'ids' },
  credit: { path: '/profiles/lookup', keysField: 'taxNumbers' },
  support: { path: '/requesters/batch', keysField: 'emails' },
};

// Keep-alive, as the hub's own transport does: a handshake per request would be a floor no
// client should pay.
const agent = new http.Agent({ keepAlive: true });

/** One POST of a JSON body; resolves true on a 200 whose body parses. */
function postJson(url: URL, body: string): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          try {
            JSON.parse(Buffer.concat(chunks).toString('utf8'));
            resolve(response.statusCode === 200);
          } catch {
            resolve(false);
          }
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** What the floor needs to know about the silos. */
export interface FloorSpec {
  siloUrls: Record<string, string>;
  durationS: number;
  connections: number;
  customers: readonly KnownCustomer[];
}

/**
 * The floor: a minimal script, in the bench process, calling every silo's batch endpoint in
 * parallel for one customer (one key each), as `connections` concurrent closed loops. No
 * GraphQL, no store, no hub: a screen pop cannot be faster than its slowest silo call.
 */
export function floor(spec: FloorSpec): Promise<MeasuredRow> {
  const calls = (customer: KnownCustomer) =>
    Object.entries(spec.siloUrls).flatMap(([system, base]) => {
      const endpoint = FLOOR_ENDPOINTS[system];
      const key = customer.links.find((link) => link.system === system)?.key;
      if (!endpoint || key === undefined) return [];
      return [{ url: new URL(endpoint.path, base), body: JSON.stringify({ [endpoint.keysField]: [key] }) }];
    });
  const inputs = spec.customers.map(calls);
  const unknown = Object.keys(spec.siloUrls).filter((system) => !FLOOR_ENDPOINTS[system]);
  return measureRow(
    {
      id: 'floor',
      name: 'floor: the four silos called directly, in parallel',
      connectorsTouched: Object.keys(spec.siloUrls).length - unknown.length,
      hub: null,
      siloUrls: spec.siloUrls,
      note: unknown.length > 0 ? `no floor endpoint known for ${unknown.join(', ')}` : undefined,
    },
    () =>
      runWorkerLoad({
        workers: spec.connections,
        durationS: spec.durationS,
        inputs,
        operation: async (requests) => (await Promise.all(requests.map((r) => postJson(r.url, r.body)))).every(Boolean),
      }),
  );
}

/**
 * The ceiling: `{ __typename }` against the same hub process, through the same fastify and
 * Apollo Server setup (context factory, plugins), touching no department and no store.
 */
export function ceiling(
  hub: HubProcess,
  siloUrls: Record<string, string>,
  durationS: number,
  connections: number,
): Promise<MeasuredRow> {
  const body = requestBody(TRIVIAL_QUERY);
  return measureRow(
    { id: 'ceiling', name: 'ceiling: { __typename } on the same hub', connectorsTouched: 0, hub, siloUrls },
    () =>
      runHttpLoad({
        url: hub.url,
        connections,
        durationS,
        bodies: Array.from({ length: durationS * 50_000 }, () => body),
        verify: (answer) => answer.includes('"__typename":"Query"'),
      }),
  );
}
