import type { FastifyInstance } from 'fastify';
import type { SyncReport } from '../schema/identity';
import type { SnapshotReport } from '../schema/snapshot';

/** What a full sync through the hub reports. */
export interface FullSyncReport {
  identity: SyncReport;
  snapshots: SnapshotReport;
}

/** True for an address of this machine's loopback interface (IPv4, IPv6, or IPv4-mapped). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return address === '::1' || /^127(\.\d{1,3}){3}$/.test(v4);
}

/**
 * `POST /admin/sync`: runs the identity sync and the snapshot build inside the running hub.
 * It exists for `npm run sync` on a machine where the hub owns the embedded store's data file
 * (one process at a time may), so it answers only requests from this machine: 403 otherwise.
 */
export function registerAdminRoutes(app: FastifyInstance, sync: () => Promise<FullSyncReport>): void {
  app.post('/admin/sync', async (request, reply) => {
    if (!isLoopbackAddress(request.socket.remoteAddress)) {
      return reply.code(403).send({ error: { code: 'FORBIDDEN', message: 'Admin routes answer only requests from this machine' } });
    }
    try {
      return await sync();
    } catch (error) {
      return reply.code(502).send({ error: { code: 'UPSTREAM_UNAVAILABLE', message: (error as Error).message } });
    }
  });
}
