import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Connector } from '../connectors/kit';
import type { NoticeLedger } from '../store/notice-ledger.repository';
import type { HubLogger } from './logger';

/** The header a system signs its change notice with: `sha256=<hex HMAC of "<timestamp>.<raw body>">`. */
export const SIGNATURE_HEADER = 'x-switchboard-signature';

/** The header with when the notice was signed, in Unix seconds; the signature covers it. */
export const TIMESTAMP_HEADER = 'x-switchboard-timestamp';

/** How far a notice's timestamp may be from the hub's clock: older (or future) notices are replays. */
export const NOTICE_TOLERANCE_SECONDS = 300;

/** The most keys one change notice may name. */
export const MAX_NOTICE_KEYS = 1_000;

/** A change notice as a system sends it. */
interface ChangeNotice {
  keys: string[];
  action: 'refresh' | 'evict';
}

/**
 * The signature a notice signed at `timestamp` (Unix seconds) should carry for `secret`. Signing
 * the time with the body is what lets the hub refuse a captured notice sent again later.
 *
 * @example
 * const timestamp = Math.floor(Date.now() / 1000);
 * headers[SIGNATURE_HEADER] = signNotice(secret, body, timestamp);
 * headers[TIMESTAMP_HEADER] = String(timestamp);
 */
export function signNotice(secret: string, body: string | Buffer, timestamp: number): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/** Why a notice's signature is refused, or null when it is good and recent. */
function signatureProblem(
  secret: string,
  body: Buffer,
  headers: Record<string, string | string[] | undefined>,
  now: Date,
): string | null {
  const signature = headers[SIGNATURE_HEADER];
  const stamp = headers[TIMESTAMP_HEADER];
  if (typeof signature !== 'string' || typeof stamp !== 'string')
    return `missing ${SIGNATURE_HEADER} or ${TIMESTAMP_HEADER}`;
  const timestamp = Number(stamp);
  if (!/^\d{1,12}$/.test(stamp)) return `${TIMESTAMP_HEADER} is not Unix seconds`;
  if (Math.abs(now.getTime() / 1000 - timestamp) > NOTICE_TOLERANCE_SECONDS) {
    return `${TIMESTAMP_HEADER} is more than ${NOTICE_TOLERANCE_SECONDS} s from the hub's clock`;
  }
  const expected = Buffer.from(signNotice(secret, body, timestamp));
  const given = Buffer.from(signature);
  // Constant-time comparison, so the signature cannot be guessed byte by byte from timings.
  return given.length === expected.length && timingSafeEqual(given, expected) ? null : 'bad signature';
}

function parseNotice(body: Buffer): ChangeNotice | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return 'the body is not JSON';
  }
  if (typeof parsed !== 'object' || parsed === null) return 'expected a JSON object';
  const { keys, action = 'refresh' } = parsed as { keys?: unknown; action?: unknown };
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'string' && k.length > 0)) {
    return '"keys" must be a non-empty array of strings';
  }
  if (keys.length > MAX_NOTICE_KEYS) return `"keys" may name at most ${MAX_NOTICE_KEYS} keys, found ${keys.length}`;
  if (action !== 'refresh' && action !== 'evict')
    return `"action" must be "refresh" or "evict", found ${JSON.stringify(action)}`;
  return { keys: keys as string[], action };
}

/** The connectors that take change notices, looked up by name when a notice arrives. */
export interface WebhookTargets {
  /** The connector named `name` now, with its `webhookSecret` (null: none configured), or undefined. */
  find(name: string): { connector: Connector; secret: string | null } | undefined;
}

const problem = (code: string, message: string) => ({ error: { code, message } });

/**
 * `POST /hooks/<connector>`: a system tells the hub which of its customers changed. The notice
 * is verified with an HMAC-SHA256 signature over `<timestamp>.<raw body>` with the connector's
 * secret (`connectors.<name>.webhookSecret`), and its timestamp must be within
 * NOTICE_TOLERANCE_SECONDS of the hub's clock; otherwise it is 401 and changes nothing.
 * `refresh` (the default) re-reads the keys from the system now; `evict` drops the repository's
 * copies so the next read asks the system.
 */
export async function registerWebhooks(
  app: FastifyInstance,
  connectors: WebhookTargets,
  logger: HubLogger,
  onChange: () => void = () => undefined,
  now: () => Date = () => new Date(),
  ledger: Pick<NoticeLedger, 'firstDelivery' | 'forget'> | null = null,
): Promise<void> {
  await app.register(async (hooks) => {
    // The signature covers the exact bytes sent, so the body must reach us unparsed.
    hooks.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    hooks.post<{ Params: { connector: string } }>('/hooks/:connector', async (request, reply) => {
      // Looked up per notice: the connectors served can change (a reload) after the route is registered.
      const target = connectors.find(request.params.connector);
      if (!target)
        return reply.code(404).send(problem('NOT_FOUND', `No connector named "${request.params.connector}"`));
      const { connector, secret } = target;
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (secret === null) {
        return reply
          .code(401)
          .send(
            problem(
              'UNAUTHORIZED',
              `Change notices for ${connector.name} are refused: no webhook secret is configured`,
            ),
          );
      }
      const refused = signatureProblem(secret, body, request.headers, now());
      if (refused !== null) {
        logger.warn(`Refused a change notice for ${connector.name}: ${refused}`);
        return reply.code(401).send(problem('UNAUTHORIZED', `Refused: ${refused}`));
      }
      const notice = parseNotice(body);
      if (typeof notice === 'string') return reply.code(400).send(problem('BAD_REQUEST', notice));
      // A notice is acted on once: its signature, unique to its timestamp and body (and signed,
      // unlike any id header), is remembered for as long as the timestamp passes.
      const noticeId = String(request.headers[SIGNATURE_HEADER]);
      if (ledger && !(await ledger.firstDelivery(connector.name, noticeId, now()))) {
        logger.warn(`Refused a change notice for ${connector.name}: delivered before`);
        return reply.code(409).send(problem('REPLAYED', 'This change notice was received before and acted on then'));
      }
      if (notice.action === 'evict') {
        try {
          const evicted = await connector.evict(notice.keys);
          return { action: 'evict', keys: notice.keys.length, evicted };
        } catch (error) {
          logger.error(`Evicting ${notice.keys.length} ${connector.name} records failed`, error);
          // Not acted on: the system's retry of this notice must be taken.
          await ledger?.forget(connector.name, noticeId);
          return reply
            .code(503)
            .send(problem('STORE_UNAVAILABLE', 'The repository could not be updated; send the notice again'));
        } finally {
          onChange();
        }
      }
      try {
        await connector.refresh(notice.keys);
      } catch (error) {
        await ledger?.forget(connector.name, noticeId);
        logger.error(`Refreshing ${notice.keys.length} ${connector.name} records failed`, error);
        return reply
          .code(502)
          .send(
            problem('UPSTREAM_UNAVAILABLE', `The ${connector.name} system could not be read; send the notice again`),
          );
      } finally {
        onChange();
      }
      return { action: 'refresh', keys: notice.keys.length, refreshed: notice.keys.length };
    });
  });
}
