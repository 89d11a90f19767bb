import type { ReloadReport } from '../schema/hub';
import type { HubLogger } from './logger';

/** The signal that reloads the connectors of a running `switchboard start`. */
export const RELOAD_SIGNAL = 'SIGHUP';

/** What listens for the signal: the process, or a stand-in in tests. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

/**
 * Reloads the connectors on SIGHUP, as daemons re-read their configuration. The reload logs its
 * own outcome (a refusal as an error, with the reason: the previous configuration keeps serving);
 * here only a reload that could not even run is logged. Without a listener, SIGHUP would end the
 * process. Returns the function that stops listening.
 */
export function reloadOnSignal(
  reload: () => Promise<ReloadReport>,
  logger: HubLogger,
  source: SignalSource = process,
): () => void {
  const listener = () => {
    logger.info(`${RELOAD_SIGNAL}: reloading the connectors from the configuration`);
    reload().catch((error: unknown) => logger.error('Reloading the connectors failed', error));
  };
  source.on(RELOAD_SIGNAL, listener);
  return () => source.off(RELOAD_SIGNAL, listener);
}
