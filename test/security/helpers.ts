import type { TestHub } from '../helpers/hub';

/** A response as the client saw it: status, headers and the parsed body. */
export interface RawResponse {
  status: number;
  headers: Headers;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

/** POSTs `body` (a string is sent as it is) to the hub's GraphQL endpoint. */
export async function post(t: TestHub, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  const response = await fetch(t.hub.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as RawResponse['body'] };
}

/** The first error's code and limit, as a client reads them. */
export function refusal(response: RawResponse): { code: unknown; limit: unknown } {
  const extensions = response.body.errors?.[0]?.extensions ?? {};
  return { code: extensions.code, limit: extensions.limit };
}

/** The work the hub has done so far: requests to the department systems and commands to the store. */
export async function workDone(t: TestHub): Promise<{ upstream: number; store: number }> {
  // Write-backs still queued count as work done so far: they land now, not inside the next interval measured.
  await t.hub.settle();
  const silos = await t.siloRequests();
  const metrics = await t.hub.metrics.render();
  const store = [...metrics.matchAll(/^switchboard_store_commands_total\{[^}]*\} (\d+)/gm)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
  return { upstream: Object.values(silos).reduce((a, b) => a + b, 0), store };
}

/** `count` copies of `text`, joined by spaces. */
export function repeat(text: (i: number) => string, count: number): string {
  return Array.from({ length: count }, (_, i) => text(i)).join(' ');
}
