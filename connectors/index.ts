// Public API of connectors/: the built-in connectors and the kit integrators need to write one.
import { accountingConnector } from './accounting';
import { creditConnector } from './credit';
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
