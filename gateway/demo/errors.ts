/**
 * The demo department systems could not be started (or stopped): one sentence that says what
 * holds them up and what to do, printed by the CLI as it is.
 */
export class DemoSilosError extends Error {
  override readonly name = 'DemoSilosError';
}

/** "code 1" or "signal SIGKILL", for log lines about a child's end. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal !== null ? `signal ${signal}` : `code ${String(code)}`;
}
