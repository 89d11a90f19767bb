import type { SwitchboardConfig } from '../config';
import type { ReloadReport } from '../schema/hub';
import type { Generation } from './generation';
import type { HubLogger } from './logger';
import type { SchemaSwap } from './schema-swap';

/** What a reload is made of; the hub supplies each step. */
export interface ReloaderOptions {
  /** Reads the configuration from the sources start-up read it from. */
  readConfig: () => SwitchboardConfig;
  /** Builds the generation a configuration describes; throws when it does not start. */
  build: (config: SwitchboardConfig, number: number) => Promise<Generation>;
  swap: SchemaSwap<Generation>;
  /** Right after the swap: forget what was derived from the previous graph (the response cache). */
  onSwap: () => void;
  /**
   * When the set of connectors changed: what start-up would do about the identity map, as a
   * sentence for the report (null: nothing needed).
   */
  onConnectorsChanged: (next: Generation, added: readonly string[]) => Promise<string | null>;
  /** Once the last request on the previous generation is answered: settle and let go of its connectors. */
  retire: (previous: Generation, removed: readonly string[]) => Promise<void>;
  /**
   * What start-up would warn of the in-heap caches' bounds with the connectors of `next` (their
   * memory layers come and go with them); null when they fit. Absent: not checked.
   */
  cacheBudget?: (next: SwitchboardConfig) => string | null;
  logger: HubLogger;
}

/** Reloads, one at a time; and what the hub waits for when it closes. */
export interface Reloader {
  /** Re-reads the configuration and serves what it describes, or says why it kept the previous one. */
  reload(): Promise<ReloadReport>;
  /** Resolves once every generation replaced so far has been retired. */
  retired(): Promise<void>;
}

/** The sections of the configuration a reload does not apply (they need a restart), by name. */
export function sectionsNeedingRestart(previous: SwitchboardConfig, next: SwitchboardConfig): string[] {
  // The policy file is re-read on a reload; the rest of `auth` (keys, modes) is not.
  const comparable = (config: SwitchboardConfig): Record<string, unknown> => ({
    ...config,
    connectors: null,
    auth: { ...config.auth, policyFile: null },
  });
  const before = comparable(previous);
  const after = comparable(next);
  return Object.keys(after).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

const names = (generation: Generation) => generation.connectors.map((c) => c.name);

/**
 * Creates the reloader. A reload reads the configuration, builds the new generation next to the
 * one serving (nothing is swapped until every check has passed), swaps it in for new requests,
 * and retires the previous one in the background once its requests are answered. Reloads never
 * overlap: one asked for while another runs starts after it, and reads the configuration then.
 */
export function createReloader(options: ReloaderOptions): Reloader {
  const { swap, logger } = options;
  let queue: Promise<unknown> = Promise.resolve();
  const retiring = new Set<Promise<void>>();

  const run = async (): Promise<ReloadReport> => {
    const previous = swap.current;
    let next: Generation;
    try {
      next = await options.build(options.readConfig(), previous.number + 1);
    } catch (error) {
      const reason = (error as Error).message;
      logger.error(
        `Reloading the connectors was refused; still serving the previous configuration (${names(previous).join(', ')}): ${reason}`,
      );
      return { ok: false, reason, connectors: names(previous), added: [], removed: [], identity: null };
    }
    const before = new Set(names(previous));
    const after = new Set(names(next));
    const added = [...after].filter((name) => !before.has(name));
    const removed = [...before].filter((name) => !after.has(name));
    const drained = swap.swap(next);
    options.onSwap();
    const retirement = drained
      .then(async (old) => {
        await options.retire(old, removed);
        logger.info(`Released the connectors of the previous configuration (${names(old).join(', ')})`);
      })
      .catch((error: unknown) => logger.error('Retiring the previous connectors failed', error))
      .finally(() => retiring.delete(retirement));
    retiring.add(retirement);

    const overBudget = options.cacheBudget?.(next.config);
    if (overBudget) logger.warn(`Reload: ${overBudget}`);
    const restart = sectionsNeedingRestart(previous.config, next.config);
    if (restart.length > 0)
      logger.warn(`Reload: changes to ${restart.join(', ')} take effect at the next restart, not now`);
    const identity = added.length > 0 || removed.length > 0 ? await options.onConnectorsChanged(next, added) : null;
    const change = [
      ...(added.length ? [`added ${added.join(', ')}`] : []),
      ...(removed.length ? [`removed ${removed.join(', ')}`] : []),
    ];
    logger.info(
      `Reloaded the connectors: serving ${[...after].join(', ')}${change.length ? ` (${change.join('; ')})` : ''}`,
    );
    return { ok: true, reason: null, connectors: [...after], added, removed, identity };
  };

  return {
    reload() {
      const report = queue.then(run, run);
      queue = report.catch(() => undefined);
      return report;
    },
    async retired() {
      await queue;
      while (retiring.size > 0) await Promise.all(retiring);
    },
  };
}
