import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ApiKeyRepository } from '../store/api-keys.repository';
import { validateKeyRequest } from './auth/key-request';
import type { SyncProgress, SyncReport } from '../schema/identity';
import type { SnapshotProgress, SnapshotReport } from '../schema/snapshot';

/** What a full sync through the hub reports. */
export interface FullSyncReport {
  identity: SyncReport;
  snapshots: SnapshotReport;
}

/**
 * One line of `POST /admin/sync`'s answer (NDJSON): progress while the sync runs, then exactly
 * one `done` or `error`, so `npm run sync` can show the same progress as a standalone run.
 */
export type SyncEvent =
  | ({ event: 'identity' } & SyncProgress)
  | ({ event: 'snapshots' } & SnapshotProgress)
  | { event: 'done'; report: FullSyncReport }
  | { event: 'error'; error: { code: string; message: string } };

/** A full sync that reports its progress as it goes. */
export type FullSync = (
  progress: (event: Extract<SyncEvent, { event: 'identity' | 'snapshots' }>) => void,
) => Promise<FullSyncReport>;

/** True for an address of this machine's loopback interface (IPv4, IPv6, or IPv4-mapped). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return address === '::1' || /^127(\.\d{1,3}){3}$/.test(v4);
}

/** The header `npm run sync` sends the admin token in. */
export const ADMIN_TOKEN_HEADER = 'x-switchboard-admin-token';

const TOKEN_FILE = 'admin.token';

/**
 * Creates this run's admin token in the data directory, readable by its owner only: whoever can
 * read the hub's data may run its admin routes, and nobody else.
 */
export function createAdminToken(dataDir: string): { token: string; remove(): void } {
  const token = randomBytes(32).toString('hex');
  const file = path.join(dataDir, TOKEN_FILE);
  writeFileSync(file, token, { mode: 0o600 });
  return { token, remove: () => rmSync(file, { force: true }) };
}

/** The admin token of the hub that owns `dataDir`, or null when none is running there. */
export function readAdminToken(dataDir: string): string | null {
  try {
    return readFileSync(path.join(dataDir, TOKEN_FILE), 'utf8').trim();
  } catch {
    return null;
  }
}

function tokenMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `POST /admin/sync`: runs the identity sync and the snapshot build inside the running hub, and
 * streams their progress as NDJSON (`SyncEvent`, one per line) ending with the report or the
 * error. It exists for `npm run sync` on a machine where the hub owns the embedded store's data
 * file (one process at a time may). A request must come from this machine (a reverse proxy on
 * it still cannot pass: it needs the token too) and carry the token from the data directory in
 * `x-switchboard-admin-token`, a custom header a cross-site page cannot send: 403 otherwise.
 */
export function registerAdminRoutes(
  app: FastifyInstance,
  sync: FullSync,
  token: string,
  keys?: Pick<ApiKeyRepository, 'create' | 'list' | 'revoke'>,
): void {
  // Every /admin route: this machine, with the token, or 403 before anything is read.
  app.addHook('onRequest', async (request, reply) => {
    // The route matched, not the raw URL: the router decodes `/%61dmin/...` to `/admin/...`, so
    // a check on `request.url` would let an encoded path past the guard.
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith('/admin/')) return;
    if (!isLoopbackAddress(request.socket.remoteAddress) || !tokenMatches(token, request.headers[ADMIN_TOKEN_HEADER])) {
      return reply
        .code(403)
        .send({ error: { code: 'FORBIDDEN', message: 'Admin routes answer only this machine, with the admin token' } });
    }
  });
  if (keys) registerKeyRoutes(app, keys);
  app.post('/admin/sync', async (_request, reply) => {
    const lines = new PassThrough();
    const send = (event: SyncEvent) => lines.write(`${JSON.stringify(event)}\n`);
    // The status is sent with the first line, before the outcome is known: the last line says it.
    void sync(send)
      .then(
        (report) => send({ event: 'done', report }),
        (error: unknown) =>
          send({ event: 'error', error: { code: 'UPSTREAM_UNAVAILABLE', message: (error as Error).message } }),
      )
      .finally(() => lines.end());
    return reply.type('application/x-ndjson').send(lines);
  });
}

/**
 * `/admin/keys`: what `npx switchboard keys` does, inside the hub that holds the embedded data
 * file. POST creates (the answer holds the token, once), GET lists, DELETE /admin/keys/<id> revokes.
 */
function registerKeyRoutes(app: FastifyInstance, keys: Pick<ApiKeyRepository, 'create' | 'list' | 'revoke'>): void {
  app.post('/admin/keys', async (request, reply) => {
    const checked = validateKeyRequest(request.body);
    if (typeof checked === 'string')
      return reply.code(400).send({ error: { code: 'BAD_USER_INPUT', message: checked } });
    return keys.create(checked.name, checked.roles);
  });
  app.get('/admin/keys', async () => keys.list());
  app.delete<{ Params: { id: string } }>('/admin/keys/:id', async (request, reply) => {
    if (!(await keys.revoke(request.params.id))) {
      return reply
        .code(404)
        .send({ error: { code: 'NOT_FOUND', message: `No active key ${request.params.id.slice(0, 40)}` } });
    }
    return { revoked: request.params.id };
  });
}
