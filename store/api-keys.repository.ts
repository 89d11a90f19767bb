import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { defaultRepositoryDeadlines, withDeadline } from './deadline';

/** An API key as stored: never its secret, only the secret's SHA-256. */
export interface StoredApiKey {
  /** The key id: the public part of `sb_<id>_<secret>`. */
  _id: string;
  name: string;
  roles: string[];
  /** Hex SHA-256 of the secret. The secret is 256 random bits, so a fast hash is enough. */
  secretHash: string;
  createdAt: Date;
  revokedAt: Date | null;
  /**
   * True for a key demo mode made (the next start revokes it), false for an operator's. Absent
   * on keys stored before demo keys were marked; `revokeDemo` says how those are told apart.
   */
  demo?: boolean;
}

/** A key as listed: everything but the hash, and whether demo mode made it. */
export interface ApiKeyInfo extends Omit<StoredApiKey, 'secretHash' | 'demo'> {
  demo: boolean;
}

/** A key just created: the only time its full token is known. */
export interface CreatedApiKey extends ApiKeyInfo {
  /** `sb_<id>_<secret>`, to send as `Authorization: Bearer <token>`. Shown once. */
  token: string;
}

/** The collection API keys live in. */
export const API_KEYS_COLLECTION = 'api_keys';

const TOKEN_SHAPE = /^sb_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

const hash = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** The id and secret of a token shaped like an API key; null for anything else. */
export function parseApiKeyToken(token: string): { id: string; secret: string } | null {
  const match = TOKEN_SHAPE.exec(token);
  return match ? { id: match[1], secret: match[2] } : null;
}

/** True for a string shaped like an API key (`sb_...`), valid or not: it is never a JWT. */
export function looksLikeApiKey(token: string): boolean {
  return token.startsWith('sb_');
}

/** API keys for services and scripts: created, listed, revoked and verified. */
export class ApiKeyRepository {
  private readonly collection: Collection<StoredApiKey>;

  constructor(
    db: Db,
    /** Deadline on each store call: verifying a key is on every keyed request's path. */
    private readonly timeoutMs = defaultRepositoryDeadlines.requestMs,
  ) {
    this.collection = db.collection<StoredApiKey>(API_KEYS_COLLECTION);
  }

  /** Creates an operator's key with these roles; its token is in the result and nowhere else. */
  create(name: string, roles: readonly string[], now = new Date()): Promise<CreatedApiKey> {
    return this.insert(name, roles, false, now);
  }

  /** Creates a demo key, which `revokeDemo` revokes at the next start whatever its name. */
  createDemo(name: string, roles: readonly string[], now = new Date()): Promise<CreatedApiKey> {
    return this.insert(name, roles, true, now);
  }

  private async insert(name: string, roles: readonly string[], demo: boolean, now: Date): Promise<CreatedApiKey> {
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const key: StoredApiKey = {
      _id: id,
      name,
      roles: [...roles],
      secretHash: hash(secret),
      createdAt: now,
      revokedAt: null,
      demo,
    };
    await withDeadline(this.timeoutMs, 'creating an API key', () => this.collection.insertOne(key));
    return { _id: id, name, roles: key.roles, createdAt: now, revokedAt: null, demo, token: `sb_${id}_${secret}` };
  }

  /** Every key, newest first, without hashes. */
  async list(): Promise<ApiKeyInfo[]> {
    const keys = await withDeadline(this.timeoutMs, 'listing API keys', (d) =>
      this.collection
        .find({}, { projection: { secretHash: 0 }, ...d })
        .sort({ createdAt: -1 })
        .toArray(),
    );
    return keys.map(info);
  }

  /** Revokes a key; false when there is no such key (or it was revoked already). */
  async revoke(id: string, now = new Date()): Promise<boolean> {
    const result = await withDeadline(this.timeoutMs, 'revoking an API key', () =>
      this.collection.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: now } }),
    );
    return result.modifiedCount === 1;
  }

  /**
   * Revokes every demo key (those of an earlier start), never an operator's, whatever its name.
   * A key stored before keys were marked is a demo key when its name is one of
   * `unmarkedDemoNames`: the names demo mode gave its keys then, so none of those outlives an
   * upgrade.
   */
  async revokeDemo(unmarkedDemoNames: readonly string[], now = new Date()): Promise<number> {
    const result = await withDeadline(this.timeoutMs, 'revoking demo API keys', () =>
      this.collection.updateMany(
        {
          revokedAt: null,
          $or: [{ demo: true }, { demo: { $exists: false }, name: { $in: [...unmarkedDemoNames] } }],
        },
        { $set: { revokedAt: now } },
      ),
    );
    return result.modifiedCount;
  }

  /** The key a token proves, when it is one of ours and not revoked; null otherwise. One read by id. */
  async verify(token: string): Promise<ApiKeyInfo | null> {
    const parsed = parseApiKeyToken(token);
    if (!parsed) return null;
    const key = await withDeadline(this.timeoutMs, 'verifying an API key', (d) =>
      this.collection.findOne({ _id: parsed.id }, d),
    );
    if (!key || key.revokedAt !== null) return null;
    const given = Buffer.from(hash(parsed.secret), 'hex');
    const stored = Buffer.from(key.secretHash, 'hex');
    if (given.length !== stored.length || !timingSafeEqual(given, stored)) return null;
    return info(key);
  }
}

/** A stored key as listed: without its hash, and `demo` false on a key stored before keys were marked. */
function info({
  secretHash: _secretHash,
  demo,
  ...rest
}: Omit<StoredApiKey, 'secretHash'> & { secretHash?: string }): ApiKeyInfo {
  return { ...rest, demo: demo === true };
}
