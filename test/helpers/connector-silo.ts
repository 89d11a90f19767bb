import { createServer } from 'node:net';
import axios from 'axios';

/** How many API requests the silo at `url` has served (`GET /_stats` does not count itself). */
export async function siloRequestCount(url: string): Promise<number> {
  const { data } = await axios.get<{ requests: number }>(`${url}/_stats`);
  return data.requests;
}

/** Chaos settings of a silo: added latency, the share of requests failed with 503, and holding every request unanswered. */
export interface Chaos {
  latencyMs?: number;
  failRate?: number;
  /** The silo answers no API request until the chaos is set again without `hang` (`{}`). */
  hang?: boolean;
}

/** Sets the chaos in force on the silo at `url` (`{}` resets it); rejects when the silo refuses. */
export async function setChaos(url: string, chaos: Chaos): Promise<void> {
  await axios.post(`${url}/_chaos`, chaos);
}

/**
 * Runs `body` with `chaos` in force on the silo at `url`, and resets the silo afterwards even
 * when `body` throws, so one failing test never leaves a broken silo to the next.
 */
export async function withChaos<T>(url: string, chaos: Chaos, body: () => Promise<T>): Promise<T> {
  await setChaos(url, chaos);
  try {
    return await body();
  } finally {
    await setChaos(url, {});
  }
}

/** An http:// URL on which nothing listens: a port the OS handed out and that was closed again. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new TypeError('Expected a TCP address');
  return `http://127.0.0.1:${address.port}`;
}
