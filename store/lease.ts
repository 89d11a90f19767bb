import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { defaultRepositoryDeadlines, withDeadline, type BoundedOperation } from './deadline';
import { isDuplicateKey } from './duplicate-key';
import { SYNC_STATE_COLLECTION } from './snapshot.repository';

/** The lease identity syncs and snapshot runs share: both rebuild the customer map. */
export const CUSTOMER_MAP_LEASE = 'customer-map';

/** A lease document in `sync_state`: who holds the work, until when. */
interface LeaseDocument {
  _id: string;
  owner: string;
  host: string;
  pid: number;
  expiresAt: Date;
}

/** Who else holds a lease, for the sentence that says so. */
export interface LeaseHolder {
  owner: string;
  host: string;
  pid: number;
  expiresAt: Date;
}

/** This process's identity as a lease owner: host, pid and a random part (two hubs in one process differ). */
export function leaseOwner(): { owner: string; host: string; pid: number } {
  return {
    owner: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    host: hostname(),
    pid: process.pid,
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A lease in the store: one process at a time rebuilds the customer map (an identity sync or a
 * snapshot run), whichever hub or `npm run sync` it runs in. Taken with one conditional upsert;
 * it expires by itself after `ttlMs` if its holder dies, and a holder on this machine whose
 * process is gone is taken over at once, so a hub killed mid-sync resumes at its restart.
 */
export class StoreLease {
  private readonly collection: Collection<LeaseDocument>;

  constructor(
    db: Db,
    private readonly name: string,
    private readonly ttlMs: number,
    private readonly me = leaseOwner(),
    /** Deadline on each of the lease's store calls (a job's: the batch deadline). */
    private readonly timeoutMs = defaultRepositoryDeadlines.batchMs,
  ) {
    this.collection = db.collection<LeaseDocument>(SYNC_STATE_COLLECTION);
  }

  private get id(): string {
    return `lease:${this.name}`;
  }

  /** Takes (or extends) the lease; the other holder when it is not ours to take. */
  async acquire(now: Date = new Date()): Promise<{ held: true } | { held: false; holder: LeaseHolder }> {
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    const claim = async () =>
      this.bounded('claiming the lease', () =>
        this.collection.findOneAndUpdate(
          { _id: this.id, $or: [{ owner: this.me.owner }, { expiresAt: { $lte: now } }] },
          { $set: { owner: this.me.owner, host: this.me.host, pid: this.me.pid, expiresAt } },
          { upsert: true },
        ),
      );
    try {
      await claim();
      return { held: true };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const holder = await this.readHolder();
    if (holder && holder.host === this.me.host && !isAlive(holder.pid)) {
      // Its process is gone: the lease is ours to take, only if nobody took it meanwhile.
      const taken = await this.bounded('taking over the lease', () =>
        this.collection.findOneAndUpdate(
          { _id: this.id, owner: holder.owner },
          { $set: { owner: this.me.owner, host: this.me.host, pid: this.me.pid, expiresAt } },
        ),
      );
      if (taken) return { held: true };
    }
    const current = holder ?? (await this.readHolder());
    if (!current) return this.acquire(now);
    return {
      held: false,
      holder: { owner: current.owner, host: current.host, pid: current.pid, expiresAt: current.expiresAt },
    };
  }

  /** Lets the lease go (only if it is still ours). */
  async release(): Promise<void> {
    await this.bounded('releasing the lease', () => this.collection.deleteOne({ _id: this.id, owner: this.me.owner }));
  }

  private readHolder(): Promise<LeaseDocument | null> {
    return this.bounded('reading the lease', (d) => this.collection.findOne({ _id: this.id }, d));
  }

  private bounded<T>(what: string, operation: BoundedOperation<T>): Promise<T> {
    return withDeadline(this.timeoutMs, what, operation);
  }
}

/** The sentence for work another process holds. */
export function describeHolder(work: string, holder: LeaseHolder): string {
  return (
    `Another process is ${work} (${holder.host}, pid ${holder.pid}); its lease runs until ` +
    `${holder.expiresAt.toISOString()}. Try again once it has finished.`
  );
}
