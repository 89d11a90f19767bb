import type { GraphQLSchema } from 'graphql';
import type { SwitchboardConfig } from '../config';
import type { Connector, ConnectorFactory } from '../connectors/kit';
import { hasHubCode } from '../schema/errors';
import { createHubSubschema, screenPopQuery, type ReloadReport } from '../schema/hub';
import type { Principal } from '../schema/principal';
import type { SavedQueries } from '../schema/saved-query';
import { figureCatalog } from '../schema/snapshot';
import type { AccessPolicy } from './auth/policy';
import { figurePolicy, loadAccessPolicy } from './auth/policy';
import { findPolicyFile } from './auth/setup';
import { discoverConnectors } from './connector-discovery';
import { createConnectors } from './connectors';
import { createContextFactory, type ContextRequest } from './context';
import { loadConnectorDeclaration } from './declarations';
import { createReadinessCheck, type ReadinessCheck } from './health';
import type { HubLogger } from './logger';
import type { IdentityLookups } from '../store';
import type { Repositories } from './repositories';
import type { ConnectorRuntime, RequestContext } from './runtime';
import { buildEveryConnectorSchema } from './schema-file';
import { buildGatewaySchema } from './stitch';
import { loadTrustedDocuments, type TrustedDocumentList } from './trusted-documents';

/**
 * One generation of the served graph: the connectors a configuration describes and everything
 * derived from them (the hub subschema with their figures, the stitched schema, the policy checked
 * against it, readiness, the query page's example). Start-up builds the first; each reload builds
 * the next, and requests run on the generation they started on.
 */
export interface Generation {
  /** 1 at start-up, one more per reload that took. */
  readonly number: number;
  readonly config: SwitchboardConfig;
  readonly connectors: readonly Connector[];
  readonly schema: GraphQLSchema;
  readonly policy: AccessPolicy;
  /** A request's context, with a fresh scope for the hub and each of this generation's connectors. */
  createContext(request: ContextRequest): RequestContext;
  readonly readiness: ReadinessCheck;
  /** The query page's screen pop over these connectors. */
  readonly exampleQuery: string;
  /** The registered documents, validated against this schema (`auth.trustedDocuments.file`); null when none. */
  readonly trustedDocuments: TrustedDocumentList | null;
  /** A connector of this generation with its change-notice secret, by name. */
  webhookTarget(name: string): { connector: Connector; secret: string | null } | undefined;
}

/** What a generation is built over: the parts of the hub no reload re-creates. */
export interface GenerationDeps {
  runtime: ConnectorRuntime;
  repositories: Repositories;
  /** Identity look-ups as requests make them (held in memory over `repositories.identities`). */
  identityLookups: IdentityLookups;
  /** The installed connector factories; default: each configured connector, found where its `from` says. */
  connectorFactories?: readonly ConnectorFactory[];
  logger: HubLogger;
  /** Pings the store, for readiness. */
  pingStore: () => Promise<unknown>;
  /** Called when data a cached response may hold has changed (a refresh). */
  onChange: () => void;
  /** `reloadConnectors`: what the hub subschema's mutation runs. */
  reload?: () => Promise<ReloadReport>;
  /** The trusted documents file (start-up's: authentication is not reloaded), re-read and re-validated. */
  trustedDocumentsFile?: string | null;
  /** The saved queries the hub subschema's fields serve (bound once the server exists). */
  savedQueries?: () => SavedQueries | null;
}

/**
 * Builds a generation from `config`. Throws, having served nothing, when the configuration does
 * not start: a connector that cannot be found or created, a subschema the start-up checks refuse,
 * a policy or a registered document that does not fit the new graph.
 */
export async function buildGeneration(
  config: SwitchboardConfig,
  deps: GenerationDeps,
  number: number,
): Promise<Generation> {
  const { runtime, repositories, logger } = deps;
  const factories = deps.connectorFactories ?? discoverConnectors(config, loadConnectorDeclaration);
  const connectors = createConnectors(config, factories, runtime);
  const byName = new Map(connectors.map((c) => [c.name, c]));
  let figureGate: (principal: Principal, figure: { connector: string; name: string }) => boolean = () => false;
  const hub = createHubSubschema({
    repository: repositories.identities,
    lookups: deps.identityLookups,
    snapshots: repositories.snapshots,
    figureSources: connectors,
    // Bound once the policy is loaded (it is checked against the stitched schema); until then, no one.
    mayUseFigure: (principal, figure) => figureGate(principal, figure),
    defaultCountry: config.identity.defaultCountry,
    refresh: async (system, key) => {
      const connector = byName.get(system);
      if (!connector) throw new Error(`The ${system} system is not connected to this hub`);
      try {
        await connector.refresh([key]);
      } catch (error) {
        // The payload is data, past formatError: only a hub error's own sentence is public.
        if (hasHubCode(error)) throw error;
        logger.error(`refreshCustomer: ${system} ${key} failed`, error);
        throw new Error(`The ${system} system could not be refreshed (details are in the hub's log)`);
      } finally {
        deps.onChange();
      }
    },
    reload: deps.reload,
    savedQueries: deps.savedQueries,
  });
  const schema = buildGatewaySchema(hub, connectors);
  // A policy names every installed department's types; a connector switched off is no typo.
  let everyConnector: GraphQLSchema | null = null;
  const policy = loadAccessPolicy(
    findPolicyFile(config.auth.policyFile),
    schema,
    (type) =>
      (everyConnector ??= buildEveryConnectorSchema(config, deps.connectorFactories)).getType(type) !== undefined,
  );
  figureGate = figurePolicy(policy, schema);
  const trustedDocuments = deps.trustedDocumentsFile ? loadTrustedDocuments(deps.trustedDocumentsFile, schema) : null;
  // Last: nothing above touched the store, so a refused configuration left no trace in it.
  await Promise.all([
    repositories.snapshots.ensureIndexes(figureCatalog(connectors)),
    ...connectors.map((c) => c.ensureIndexes()),
  ]);
  const secrets = new Map(connectors.map((c) => [c.name, config.connectors[c.name]?.webhookSecret ?? null]));
  return {
    number,
    config,
    connectors,
    schema,
    policy,
    createContext: createContextFactory([hub, ...connectors]),
    readiness: createReadinessCheck({
      pingStore: deps.pingStore,
      connectors,
      logger,
      now: () => runtime.now().getTime(),
    }),
    exampleQuery: screenPopQuery(connectors),
    trustedDocuments,
    webhookTarget(name) {
      const connector = byName.get(name);
      return connector ? { connector, secret: secrets.get(name) ?? null } : undefined;
    },
  };
}
