import type { SwitchboardConfig } from '../config';
import type { Connector } from '../connectors/kit';
import { checkIdentityMap, describeMismatch, type SyncReport } from '../schema/identity';
import type { IdentityRepository } from '../store/identity.repository';
import type { FullSync } from './admin';
import type { HubLogger } from './logger';

/** What start-up decided about the identity map, and why. */
export interface IdentityStartDecision {
  sync: boolean;
  /** The map describes other systems than the ones connected: its snapshots are of no use either. */
  otherWorld: boolean;
  reason: 'empty' | 'unfinished' | 'mismatch' | 'always' | null;
}

/**
 * Decides whether start-up must sync identities: the map is empty, the last sync died before it
 * was committed, or the map no longer matches the systems (`checkIdentityMap`). Each problem is
 * logged as a warning even where `identity.syncOnStart` says not to sync, so a hub never serves
 * a map of another world silently.
 */
export async function decideIdentitySync(
  mode: SwitchboardConfig['identity']['syncOnStart'],
  connectors: readonly Connector[],
  repository: IdentityRepository,
  logger: HubLogger,
): Promise<IdentityStartDecision> {
  const [count, state] = await Promise.all([repository.count(), repository.readState()]);
  if (count === 0) {
    return { sync: mode !== 'never', otherWorld: false, reason: mode === 'never' ? null : 'empty' };
  }
  if (state !== null && state.finishedAt === null) {
    const sync = mode !== 'never';
    logger.warn(
      `The identity sync started at ${state.startedAt.toISOString()} did not finish; the map is the one before it. ` +
        (sync ? 'Running it again now.' : 'Run `npm run sync` (identity.syncOnStart is never).'),
    );
    return { sync, otherWorld: false, reason: sync ? 'unfinished' : null };
  }
  if (mode === 'always') return { sync: true, otherWorld: false, reason: 'always' };
  const check = await checkIdentityMap({ connectors, repository });
  if (check.unreachable.length > 0) {
    logger.warn(`Could not check the identity map against ${check.unreachable.join(', ')}: no directory answered.`);
  }
  if (check.matches) return { sync: false, otherWorld: false, reason: null };
  const sync = mode === 'auto';
  logger.warn(
    `${describeMismatch(check)}. ` +
      (sync
        ? check.otherWorld
          ? 'Syncing identities again now, and setting the old customer-360 snapshots aside.'
          : 'Syncing identities again now.'
        : `Look-ups and filters answer from the old map until \`npm run sync\` (identity.syncOnStart is ${mode}).`),
  );
  return { sync, otherWorld: sync && check.otherWorld, reason: sync ? 'mismatch' : null };
}

/** The start-up log line of a sync. */
export function describeSync(report: SyncReport): string {
  return `Identity sync: ${report.customers} customers from ${JSON.stringify(report.records)} in ${report.durationMs} ms`;
}

/**
 * After a reload changed the connectors, what start-up would do about the identity map: decide as
 * `decideIdentitySync` does (by the reloaded `identity.syncOnStart`), and when it says to sync,
 * call `startSync` (which runs in the background: the reload does not wait). Returns the report's
 * sentence, or null when the map needs nothing.
 */
export async function identityAfterReload(
  next: { config: SwitchboardConfig; connectors: readonly Connector[] },
  added: readonly string[],
  repository: IdentityRepository,
  logger: HubLogger,
  startSync: () => void,
): Promise<string | null> {
  const mode = next.config.identity.syncOnStart;
  const decision = await decideIdentitySync(mode, next.connectors, repository, logger);
  const which = added.length > 0 ? added.join(', ') : 'the connectors served now';
  if (decision.sync) {
    startSync();
    const sentence = `An identity sync (then a snapshot run) started in the background for ${which}; look-ups answer from the previous map until it finishes`;
    logger.info(sentence);
    return sentence;
  }
  if (added.length === 0 || mode !== 'never') return null;
  const sentence = `The identity map does not link customers to ${which} yet: run \`npm run sync\` (identity.syncOnStart is never)`;
  logger.warn(sentence);
  return sentence;
}

/**
 * The sync a reload starts when `identityAfterReload` decides the map needs one (a department
 * added, `syncOnStart: always`, a map of other systems, a sync left unfinished), as start-up
 * would: the identity map, then snapshots with the departments' figures. It runs in the
 * background, its outcome is logged, and it stays in `background` until it ends, so that
 * closing the hub waits for it.
 */
export function fullSyncInBackground(
  fullSync: FullSync,
  logger: HubLogger,
  background: Set<Promise<void>>,
): () => void {
  return () => {
    const work = fullSync(() => undefined).then(
      (report) => logger.info(describeSync(report.identity)),
      (error: unknown) => logger.warn(`${(error as Error).message}. Run \`npm run sync\` once the systems are back.`),
    );
    background.add(work);
    void work.finally(() => background.delete(work));
  };
}

/**
 * Start-up's identity work: decides (see `decideIdentitySync`) and, when asked, syncs. A map of
 * another world also drops the old snapshots, so that filters say SNAPSHOT_UNAVAILABLE rather
 * than answer with another world's figures until a new run has finished. A sync that fails is a
 * warning: serving an empty or older map beats not serving (look-ups answer null until it works).
 */
export async function syncAtStart(
  syncOnStart: SwitchboardConfig['identity']['syncOnStart'],
  deps: {
    connectors: readonly Connector[];
    repository: IdentityRepository;
    snapshots: { discard(): Promise<unknown> };
    sync: () => Promise<SyncReport>;
    logger: HubLogger;
  },
): Promise<{ snapshotsOfAnotherWorld: boolean }> {
  const decision = await decideIdentitySync(syncOnStart, deps.connectors, deps.repository, deps.logger);
  if (!decision.sync) return { snapshotsOfAnotherWorld: false };
  try {
    deps.logger.info(describeSync(await deps.sync()));
    if (!decision.otherWorld) return { snapshotsOfAnotherWorld: false };
    await deps.snapshots.discard();
    return { snapshotsOfAnotherWorld: true };
  } catch (error) {
    deps.logger.warn(
      `${(error as Error).message}. Serving the identity map as it is; run \`npm run sync\` once the system is back.`,
    );
    return { snapshotsOfAnotherWorld: false };
  }
}
