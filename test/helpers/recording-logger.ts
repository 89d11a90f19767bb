import type { HubLogger } from '../../gateway';

/** A logger that keeps every line and lets a test wait for one: an event, never a sleep. */
export interface RecordingLogger {
  readonly logger: HubLogger;
  /** Every line so far, as `level: message`. */
  readonly lines: readonly string[];
  /** Resolves with the first line (so far or to come) matching `pattern`. */
  line(pattern: RegExp): Promise<string>;
  /** Forgets the lines so far: the next `line` waits for one to come. */
  clear(): void;
}

/** Creates a logger that records, for tests that wait on what the hub says. */
export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const waiting: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const record = (level: string) => (message: string) => {
    const line = `${level}: ${message}`;
    lines.push(line);
    for (const waiter of waiting.filter((w) => w.pattern.test(line))) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  };
  return {
    logger: { info: record('info'), warn: record('warn'), error: record('error') },
    lines,
    line(pattern) {
      const seen = lines.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve) => waiting.push({ pattern, resolve }));
    },
    clear: () => void lines.splice(0),
  };
}
