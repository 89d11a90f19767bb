import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import type { GraphQLError } from 'graphql';
import { z } from 'zod';
import type { ConnectorConfig } from '../../config';
import { upstreamTimeout, upstreamUnavailable } from '../../schema/errors';
import type { ConnectorHealth } from './contract';

/** An HTTP client for one department system that only ever fails with a hub error. */
export interface SiloClient {
  get<S extends z.ZodType>(path: string, schema: S, params?: Record<string, string | number>): Promise<z.infer<S>>;
  post<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S>>;
  /** `GET /health` on the system; never throws. */
  health(): Promise<ConnectorHealth>;
}

const healthAnswer = z.object({ status: z.string() });

// Keep-alive agents: a screen pop makes one request per system; a new TCP handshake each time
// would cost more than the request itself on a fast network.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });

/** Turns whatever axios threw into UPSTREAM_TIMEOUT or UPSTREAM_UNAVAILABLE. */
function toUpstreamError(connector: string, timeoutMs: number, error: unknown): GraphQLError {
  if (axios.isAxiosError(error)) {
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT')
      return upstreamTimeout(connector, timeoutMs, error);
    if (error.response) return upstreamUnavailable(connector, `it answered HTTP ${error.response.status}`, error);
    return upstreamUnavailable(connector, error.code ?? error.message, error);
  }
  return upstreamUnavailable(connector, (error as Error).message ?? String(error), error as Error);
}

/**
 * Creates the client a connector's transport uses. Every answer is checked against a zod
 * schema, so a system that changes its API shows up as UPSTREAM_UNAVAILABLE naming the field,
 * not as a crash deep in a resolver.
 */
export function createSiloClient(connector: string, config: Pick<ConnectorConfig, 'url' | 'timeoutMs'>): SiloClient {
  const client: AxiosInstance = axios.create({
    baseURL: config.url,
    timeout: config.timeoutMs,
    httpAgent,
    httpsAgent,
    headers: { accept: 'application/json' },
    // Redirects from an internal API are a misconfiguration, not something to follow.
    maxRedirects: 0,
  });

  async function send<S extends z.ZodType>(
    run: () => Promise<{ data: unknown }>,
    schema: S,
    what: string,
  ): Promise<z.infer<S>> {
    let data: unknown;
    try {
      ({ data } = await run());
    } catch (error) {
      throw toUpstreamError(connector, config.timeoutMs, error);
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw upstreamUnavailable(
        connector,
        `unexpected answer to ${what}: ${issue?.path.join('.') || '(body)'}: ${issue?.message}`,
      );
    }
    return parsed.data;
  }

  return {
    get: (path, schema, params) => send(() => client.get(path, { params }), schema, `GET ${path}`),
    post: (path, body, schema) => send(() => client.post(path, body), schema, `POST ${path}`),
    async health() {
      try {
        const answer = await send(() => client.get('/health'), healthAnswer, 'GET /health');
        return answer.status === 'ok' ? { ok: true } : { ok: false, detail: `status is "${answer.status}"` };
      } catch (error) {
        return { ok: false, detail: (error as Error).message };
      }
    },
  };
}
