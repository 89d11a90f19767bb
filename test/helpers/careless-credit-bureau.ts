import http from 'node:http';
import type { Profile } from '../../silos';

/**
 * A credit bureau on loopback that serves the credit connector's API (`POST /profiles/lookup`,
 * `GET /profiles?offset&limit`, `GET /health`) carelessly, for `connector check`'s failing run:
 *
 * - the look-up answers in its own order and answers a tax number asked twice twice (a connector
 *   that pairs answers by key survives both);
 * - it answers a tax number it does not know with a blank profile instead of leaving it out;
 * - each directory page starts with the previous page's last profile again (an off-by-one offset).
 */
export async function startCarelessCreditBureau(
  profiles: readonly Profile[],
): Promise<{ url: string; close(): Promise<void> }> {
  const sorted = [...profiles].sort((a, b) => a.taxNumber.localeCompare(b.taxNumber));
  const byTax = new Map(sorted.map((profile) => [profile.taxNumber, profile]));
  const blank = (taxNumber: string): Profile => ({ ...sorted[0], taxNumber, legalName: '', limit: 0, exposure: 0 });
  const summary = ({ taxNumber, legalName, contact }: Profile) => ({ taxNumber, legalName, contact });

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://bureau');
      let body: unknown = { error: 'not found' };
      let status = 200;
      if (url.pathname === '/health') body = { status: 'ok' };
      else if (request.method === 'POST' && url.pathname === '/profiles/lookup') {
        const { taxNumbers } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { taxNumbers: string[] };
        body = { results: [...taxNumbers].reverse().map((taxNumber) => byTax.get(taxNumber) ?? blank(taxNumber)) };
      } else if (url.pathname === '/profiles') {
        const offset = Number(url.searchParams.get('offset') ?? '0');
        const limit = Number(url.searchParams.get('limit') ?? '20');
        const start = offset > 0 ? offset - 1 : 0;
        body = { results: sorted.slice(start, start + limit).map(summary), offset, limit, total: sorted.length };
      } else status = 404;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new TypeError('Expected a TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
