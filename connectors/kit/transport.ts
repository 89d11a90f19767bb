import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import type { GraphQLError } from 'graphql';
import { z } from 'zod';
import type { ConnectorConfig } from '../../config';
import { upstreamTimeout, upstreamUnavailable } from '../../schema/errors';
import type { ConnectorHealth } from './contract';
import { createUpstreamPolicy, refusalOf } from './upstream-policy';

/** An HTTP client for one department system that only ever fails with a hub error. */
export interface SiloClient {
  get<S extends z.ZodType>(path: string, schema: S, params?: Record<string, string | number>): Promise<z.infer<S>>;
  /** `read: true` marks a POST that only reads (a batch look-up), so it may be retried. */
  post<S extends z.ZodType>(path: string, body: unknown, schema: S, options?: { read?: boolean }): Promise<z.infer<S>>;
  /** `GET /health` on the system; never throws. */
  health(): Promise<ConnectorHealth>;
}

const healthAnswer = z.object({ status: z.string() });

// Keep-alive agents: a screen pop makes one request per system; a new TCP handshake each time
// would cost more than the request itself on a fast network.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });

/** The connector settings the client reads. */
export type TransportConfig = Pick<
  ConnectorConfig,
  'url' | 'timeoutMs' | 'maxResponseBytes' | 'retry' | 'maxInFlight' | 'maxQueued'
>;

/** Turns whatever axios threw into UPSTREAM_TIMEOUT or UPSTREAM_UNAVAILABLE. */
function toUpstreamError(connector: string, config: TransportConfig, error: unknown): GraphQLError {
  const { timeoutMs } = config;
  const refusal = refusalOf(error);
  if (refusal === 'timeout') return upstreamTimeout(connector, timeoutMs, error as Error);
  if (refusal === 'bulkhead')
    return upstreamUnavailable(
      connector,
      `${config.maxInFlight} requests are already in flight and ${config.maxQueued} waiting`,
      error as Error,
    );
  if (axios.isAxiosError(error)) {
    if (error.message.startsWith('maxContentLength'))
      return upstreamUnavailable(connector, `its answer is larger than ${config.maxResponseBytes} bytes`, error);
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT')
      return upstreamTimeout(connector, timeoutMs, error);
    // A 2xx in an error is an answer whose body failed after the status line (cut off, or not
    // decodable): "it answered HTTP 200" would tell the client the system was fine.
    if (error.response && error.response.status < 300)
      return upstreamUnavailable(connector, 'its answer broke off or could not be decoded', error);
    if (error.response) return upstreamUnavailable(connector, `it answered HTTP ${error.response.status}`, error);
    return upstreamUnavailable(connector, networkFailure(error.code), error);
  }
  // Anything else is the hub's own surprise: its text stays in the log (the error's cause).
  return upstreamUnavailable(connector, 'the request failed', error instanceof Error ? error : undefined);
}

/** A network failure in words, never the library's own message (which may name hosts and ports). */
function networkFailure(code: string | undefined): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'it refused the connection';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'the connection was reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'its host name could not be resolved';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'its host could not be reached';
    default:
      return 'the request failed';
  }
}

/**
 * Creates the client a connector's transport uses. Every answer is checked against a zod
 * schema, so a system that changes its API shows up as UPSTREAM_UNAVAILABLE naming the field,
 * not as a crash deep in a resolver.
 */
export function createSiloClient(
  connector: string,
  config: TransportConfig,
  options: {
    /** Sent with every request, e.g. the system's API key (`{ authorization: \`Bearer ${credentials.token}\` }`). */
    headers?: Readonly<Record<string, string>>;
  } = {},
): SiloClient {
  const policy = createUpstreamPolicy(config);
  const client: AxiosInstance = axios.create({
    baseURL: config.url,
    // Until the headers: the whole call, body included, is bounded by the policy's deadline.
    timeout: config.timeoutMs,
    // Counted after decompression (axios sums the inflated chunks), so a gzip bomb stops at the cap too.
    maxContentLength: config.maxResponseBytes,
    maxBodyLength: config.maxResponseBytes,
    httpAgent,
    httpsAgent,
    headers: { ...options.headers, accept: 'application/json' },
    // Redirects from an internal API are a misconfiguration, not something to follow.
    maxRedirects: 0,
  });

  async function send<S extends z.ZodType>(
    run: (signal: AbortSignal) => Promise<{ data: unknown }>,
    schema: S,
    what: string,
    read: boolean,
  ): Promise<z.infer<S>> {
    let data: unknown;
    try {
      ({ data } = await policy.run(read, run));
    } catch (error) {
      throw toUpstreamError(connector, config, error);
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
    get: (path, schema, params) => send((signal) => client.get(path, { params, signal }), schema, `GET ${path}`, true),
    post: (path, body, schema, options) =>
      send((signal) => client.post(path, body, { signal }), schema, `POST ${path}`, options?.read === true),
    async health() {
      try {
        // Not retried: a health check reports what the system does now.
        const answer = await send((signal) => client.get('/health', { signal }), healthAnswer, 'GET /health', false);
        return answer.status === 'ok' ? { ok: true } : { ok: false, detail: `status is "${answer.status}"` };
      } catch (error) {
        return { ok: false, detail: (error as Error).message };
      }
    },
  };
}
