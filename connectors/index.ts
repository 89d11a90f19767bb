// Public API of connectors/: the built-in connectors and the kit integrators need to write one.
import { accountingConnector } from './accounting';
import { creditConnector } from './credit';
import { marketingConnector } from './marketing';
import type { ConnectorFactory } from './kit';
import { salesConnector } from './sales';
import { supportConnector } from './support';

export { accountingConnector, salesConnector, creditConnector, supportConnector };

/** Every connector the hub ships with, in the order the screen pop shows them. */
export const builtInConnectors: readonly ConnectorFactory[] = [
  accountingConnector,
  salesConnector,
  creditConnector,
  supportConnector,
];

/**
 * Connectors the hub ships that run only where the config names them (`connectors.marketing`):
 * declared in files, so read on first use. The access policy may name their types either way.
 */
export function optionalConnectors(): readonly ConnectorFactory[] {
  return [marketingConnector()];
}

export { marketingConnector };

export type {
  Connector,
  ConnectorFactory,
  ConnectorDefinition,
  ConnectorTransport,
  ConnectorRuntime,
  ConnectorMetrics,
  DirectoryEntry,
  ConnectorHealth,
  FigureDefinition,
  FigureValues,
  RecordScope,
  RequestContext,
} from './kit';
export {
  ScopeKey,
  createConnector,
  createSiloClient,
  loadRecord,
  takeLast,
  stubsForKeys,
  Freshness,
  FreshnessLog,
  bareRuntime,
} from './kit';
