import { createHash } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { defaultRepositoryDeadlines, withDeadline } from './deadline';
import { isDuplicateKey } from './duplicate-key';

/** One change notice the hub has acted on, kept while its signature could still be replayed. */
interface NoticeDelivery {
  /** SHA-256 of the connector and the notice's id (its `webhook-id`, or else its signature). */
  _id: string;
  receivedAt: Date;
}

/** The collection of change notices recently received. */
export const NOTICE_LEDGER_COLLECTION = 'notice_deliveries';

/**
 * The change notices recently acted on, in the store (so every hub behind a load balancer sees
 * the same list): a second delivery of one is refused for as long as its timestamp could pass.
 */
export class NoticeLedger {
  private readonly collection: Collection<NoticeDelivery>;

  constructor(
    db: Db,
    private readonly keepSeconds: number,
    /** Deadline on each store call: a webhook's request waits on it. */
    private readonly timeoutMs = defaultRepositoryDeadlines.requestMs,
  ) {
    this.collection = db.collection<NoticeDelivery>(NOTICE_LEDGER_COLLECTION);
  }

  /** A TTL index drops entries once no timestamp check could accept their notice again. Idempotent. */
  async ensureIndexes(): Promise<void> {
    await withDeadline(this.timeoutMs, 'creating the notice index', () =>
      this.collection.createIndex({ receivedAt: 1 }, { name: 'receivedAt', expireAfterSeconds: this.keepSeconds }),
    );
  }

  /** Records a notice; false when it was recorded before (a replay), in one insert. */
  async firstDelivery(connector: string, noticeId: string, receivedAt: Date): Promise<boolean> {
    const _id = idOf(connector, noticeId);
    try {
      await withDeadline(this.timeoutMs, 'recording a notice', () => this.collection.insertOne({ _id, receivedAt }));
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Forgets a notice that could not be acted on, so the system's retry is taken. */
  async forget(connector: string, noticeId: string): Promise<void> {
    await withDeadline(this.timeoutMs, 'forgetting a notice', () =>
      this.collection.deleteOne({ _id: idOf(connector, noticeId) }),
    );
  }
}

function idOf(connector: string, noticeId: string): string {
  return createHash('sha256').update(`${connector}\u0000${noticeId}`).digest('hex');
}
