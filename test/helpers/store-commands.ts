import type { CommandStartedEvent, MongoClient } from 'mongodb';

/** One command the hub sent to MongoDB: one round trip. */
export interface RecordedCommand {
  name: string;
  /** The collection it addressed, for collection commands. */
  collection: string | null;
}

/**
 * Records the commands a client sends (the hub enables command monitoring). `take()` returns
 * and clears what was recorded since the last call.
 */
export function recordCommands(client: MongoClient): { take(): RecordedCommand[]; stop(): void } {
  let recorded: RecordedCommand[] = [];
  const listener = (event: CommandStartedEvent) => {
    const target = event.command[event.commandName];
    recorded.push({ name: event.commandName, collection: typeof target === 'string' ? target : null });
  };
  client.on('commandStarted', listener);
  return {
    take() {
      const taken = recorded;
      recorded = [];
      return taken;
    },
    stop: () => client.off('commandStarted', listener),
  };
}

/** Commands per collection, as `"find cache.sales": 1`. */
export function countByCollection(commands: RecordedCommand[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const command of commands) {
    const key = `${command.name} ${command.collection ?? '-'}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
