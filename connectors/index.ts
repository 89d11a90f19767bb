// Public API of connectors/: the built-in connectors and the kit integrators need to write one.
import { accountingConnector } from './accounting';
import { creditConnector } from './credit';
import { marketingConnector } from './marketing';
import type { ConnectorFactory } from './kit';
import { salesConnector } from './sales';
import { supportConnector } from './support';
import { screenPopQuery } from '../schema/hub';

export { accountingConnector, salesConnector, creditConnector, supportConnector };

/** Every connector this package ships with, in the order the screen pop shows them. */
export const builtInConnectors: readonly ConnectorFactory[] = [
  accountingConnector,
  salesConnector,
  creditConnector,
  supportConnector,
];

/** The screen pop over the connectors this package ships with: the query the demo's query page opens on. */
export const SCREEN_POP_QUERY = screenPopQuery(builtInConnectors);

export { marketingConnector };

// What an integrator writes a connector with is connectors/kit; re-exported here for convenience.
export type {
  Connector,
  ConnectorFactory,
  ConnectorTransport,
  DirectoryEntry,
  ConnectorHealth,
  FigureDefinition,
  FigureValues,
} from './kit';
export { defineConnector, createSiloClient, takeLast, Freshness } from './kit';
