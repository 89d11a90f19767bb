import { LRUCache } from 'lru-cache';
import type { IdentityRepository, StoredIdentity } from './identity.repository';

/** The identity look-ups a request makes: by phone, by e-mail, by hub id (or former id), and the count. */
export interface IdentityLookups {
  findByPhone(phone: string): Promise<readonly StoredIdentity[]>;
  findByEmail(email: string): Promise<readonly StoredIdentity[]>;
  findByIds(ids: readonly string[]): Promise<readonly StoredIdentity[]>;
  /** How many customers the map holds (a list's `totalCount`). */
  count(): Promise<number>;
}

/** How long a look-up may be served from memory, and how much of it is kept. */
export interface IdentityMemoryOptions {
  /** Look-ups kept (LRU); 0: every look-up reads the repository. */
  maxEntries: number;
  /** The identity map's generation is read again at most this often, ms: how late another process's sync is seen. */
  recheckMs: number;
  /** The clock, ms (a fake one in tests). */
  now?: () => number;
}

/** What one look-up found, with the map generation it was read under. */
interface Remembered {
  generation: number;
  found: readonly StoredIdentity[];
}

/** The map's count, with the generation it was read under. */
interface RememberedCount {
  generation: number;
  count: number;
}

/**
 * Identity look-ups answered from the hub's memory while the identity map is the one they were
 * read from. The map only changes as a whole: a sync (of this hub, another one, or `npm run
 * sync`) writes a new generation and bumps the generation number in the sync state. So a look-up
 * held in memory is served only while that number is the one it was read under, and the number
 * is read again at most every `recheckMs`: one small read a second instead of one per screen
 * pop, and a sync elsewhere is seen within `recheckMs`. `forget()` is for this hub's own syncs,
 * seen at once. When the generation cannot be read (the store is down), every look-up goes to
 * the repository, which then fails as it would without this layer: memory never outlives a
 * generation it could not confirm.
 *
 * What it hands out is shared by every request that asks: treat it as read-only.
 */
export class RememberedIdentityLookups implements IdentityLookups {
  private readonly memory: LRUCache<string, Remembered>;
  private readonly now: () => number;
  /** The generation last read, or null before the first read and after a failed one. */
  private generation: number | null = null;
  private checkedAt = Number.NEGATIVE_INFINITY;
  /** The generation read under way, shared by every look-up that needs it. */
  private checking: Promise<number | null> | null = null;
  /** Bumped by `forget()`, so a generation read that began before it does not bring back the old map. */
  private epoch = 0;
  /** Kept apart from the LRU: one number, which every page of the customer list asks for. */
  private counted: RememberedCount | null = null;

  constructor(
    private readonly repository: IdentityRepository,
    private readonly options: IdentityMemoryOptions,
  ) {
    this.memory = new LRUCache({ max: Math.max(1, options.maxEntries) });
    this.now = options.now ?? Date.now;
  }

  findByPhone(phone: string): Promise<readonly StoredIdentity[]> {
    return this.remembered(`phone:${phone}`, () => this.repository.findByPhone(phone));
  }

  findByEmail(email: string): Promise<readonly StoredIdentity[]> {
    return this.remembered(`email:${email}`, () => this.repository.findByEmail(email));
  }

  /** The customers with these ids (or former ids); the ids not in memory are read in one query. */
  async findByIds(ids: readonly string[]): Promise<readonly StoredIdentity[]> {
    if (this.options.maxEntries === 0 || ids.length === 0) return this.repository.findByIds(ids);
    const generation = await this.currentGeneration();
    if (generation === null) return this.repository.findByIds(ids);
    const found: StoredIdentity[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      const hit = this.memory.get(`id:${id}`);
      if (hit?.generation === generation) found.push(...hit.found);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    const read = await this.repository.findByIds(missing);
    for (const id of missing) {
      const doc = read.find((candidate) => candidate._id === id || candidate.aliases.includes(id));
      this.keep(`id:${id}`, generation, doc ? [doc] : []);
    }
    return [...found, ...read];
  }

  /** How many customers the map holds: counted once per generation. */
  async count(): Promise<number> {
    if (this.options.maxEntries === 0) return this.repository.count();
    const generation = await this.currentGeneration();
    if (generation === null) return this.repository.count();
    if (this.counted?.generation === generation) return this.counted.count;
    const count = await this.repository.count();
    this.counted = { generation, count };
    return count;
  }

  /** Drops everything held: this hub's own sync has just replaced the map. */
  forget(): void {
    this.counted = null;
    this.memory.clear();
    this.generation = null;
    this.checkedAt = Number.NEGATIVE_INFINITY;
    this.checking = null;
    this.epoch += 1;
  }

  private async remembered(key: string, read: () => Promise<StoredIdentity[]>): Promise<readonly StoredIdentity[]> {
    if (this.options.maxEntries === 0) return read();
    const generation = await this.currentGeneration();
    if (generation === null) return read();
    const hit = this.memory.get(key);
    if (hit?.generation === generation) return hit.found;
    const found = await read();
    this.keep(key, generation, found);
    return found;
  }

  /**
   * Kept under the generation the read began under: should a sync have landed meanwhile, the
   * entry never matches the generation read next, so it is never served.
   */
  private keep(key: string, generation: number, found: readonly StoredIdentity[]): void {
    this.memory.set(key, { generation, found });
  }

  /** The map's generation, read again when the last read is older than `recheckMs`; null when it cannot be read. */
  private currentGeneration(): Promise<number | null> | number | null {
    if (this.generation !== null && this.now() - this.checkedAt < this.options.recheckMs) return this.generation;
    if (this.checking) return this.checking;
    const epoch = this.epoch;
    const checking = this.repository.readState().then(
      (state) => {
        const generation = state?.generation ?? 0;
        if (epoch !== this.epoch) return generation; // forgotten meanwhile: use it, keep nothing under it
        if (generation !== this.generation) this.memory.clear();
        this.generation = generation;
        this.checkedAt = this.now();
        return generation;
      },
      () => {
        if (epoch === this.epoch) this.forget();
        return null;
      },
    );
    this.checking = checking;
    void checking.finally(() => {
      if (this.checking === checking) this.checking = null;
    });
    return checking;
  }
}
