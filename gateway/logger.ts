/** Where the hub reports what it does. */
export interface HubLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Logs to the console, one line per event. */
export const consoleLogger: HubLogger = {
  info: (message) => console.log(message),
  warn: (message) => console.warn(`warning: ${message}`),
  // Without an error, nothing after the message: a trailing space would end every such line.
  error: (message, error) =>
    error === undefined ? console.error(`error: ${message}`) : console.error(`error: ${message}`, error),
};

/** Logs nothing (tests). */
export const silentLogger: HubLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
