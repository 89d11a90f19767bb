import { z } from 'zod';
import { ROLES } from '../schema/principal';

/** A connector's settings: where its department system is and how long to wait for it. */
export const connectorConfigSchema = z
  .object({
    /** Whether the hub runs this connector. */
    enabled: z.boolean().default(true),
    /**
     * Where the connector comes from: a folder or package that exports it (`connector` or the
     * default export), or a declaration file (`.yaml`, `.yml`, `.json`). Default: the built-in
     * connector of this name (`connectors/<name>` of this package).
     */
    from: z.string().min(1).optional(),
    /** Base URL of the department system's HTTP API. */
    url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
    /** How long one upstream request may take before it counts as UPSTREAM_TIMEOUT. */
    timeoutMs: z.number().int().positive().max(120_000).default(2_000),
    /** Largest answer read from the system, after decompression; a larger one is UPSTREAM_UNAVAILABLE. */
    maxResponseBytes: z
      .number()
      .int()
      .positive()
      .default(16 * 1024 * 1024),
    /** Retries of failed reads (overload, 5xx gateway answers, dropped connections; never timeouts). */
    retry: z
      .object({
        /** Tries per read, the first included; 1 turns retries off. */
        maxAttempts: z.number().int().positive().max(5).default(2),
        /** First retry waits a random time up to this (full jitter), doubling per retry. */
        baseDelayMs: z.number().int().nonnegative().default(100),
        /** Longest wait before a retry; a Retry-After asking for longer is not retried. */
        maxDelayMs: z.number().int().nonnegative().default(1_000),
        /** Retries allowed as a percentage of reads (the retry budget). */
        budgetPercent: z.number().nonnegative().max(100).default(20),
      })
      .strict()
      .prefault({}),
    /** Requests to the system at once (bulkhead); more wait in a queue. */
    maxInFlight: z.number().int().positive().max(1_000).default(32),
    /** Requests that may wait for a slot; more fail at once with UPSTREAM_UNAVAILABLE. */
    maxQueued: z.number().int().nonnegative().max(10_000).default(256),
    /** The most keys the connector sends to its system in one batch request. */
    maxBatchSize: z.number().int().positive().max(1_000).default(1_000),
    /** How long the repository's copy of this connector's records may be served. */
    freshness: z
      .object({
        /** Serve the repository's copy without asking the system for this long after it was fetched. */
        ttlSeconds: z.number().int().nonnegative().default(60),
        /** When the system fails, times out or its breaker is open, serve a copy up to this old, marked stale. */
        staleIfErrorSeconds: z.number().int().nonnegative().default(86_400),
      })
      .strict()
      .prefault({}),
    /** The circuit breaker that stops calling a failing system for a while. */
    breaker: z
      .object({
        /** Share of the calls in the window that must fail to open the breaker (0..1, exclusive). */
        failureRate: z.number().gt(0).lt(1).default(0.8),
        /** The window the failure rate is measured over. */
        windowSeconds: z.number().positive().max(600).default(10),
        /** Fewer calls than this in the window never open the breaker. */
        minimumRequests: z.number().int().positive().default(5),
        /** How long the breaker stays open before one trial request. */
        resetSeconds: z.number().positive().default(10),
      })
      .strict()
      .prefault({}),
    /** Shared secret the system signs its change notices with (HMAC-SHA256); null refuses all notices. */
    webhookSecret: z.string().min(16, 'expected at least 16 characters').nullable().default(null),
    /** The connector's own settings, checked at start against the schema its declaration gives. */
    settings: z.record(z.string(), z.unknown()).default({}),
    /**
     * Where each credential the connector declares is read from, e.g. `{ "token": { "env":
     * "SALES_API_TOKEN" } }`: an environment variable, never the secret itself.
     */
    credentials: z
      .record(
        z.string(),
        z
          .object({
            env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name'),
          })
          .strict(),
      )
      .default({}),
  })
  .strict();

/** The whole hub configuration, as validated at start-up. */
export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().min(1).default('localhost'),
        port: z.number().int().min(0).max(65_535).default(4_000),
      })
      .strict()
      .prefault({}),
    mongodb: z
      .object({
        /** A MongoDB connection string; null starts the embedded server. */
        uri: z.string().startsWith('mongodb', 'expected a mongodb:// or mongodb+srv:// URI').nullable().default(null),
        database: z.string().min(1).default('switchboard'),
        /** Where the embedded server keeps its data file (ignored with a real MongoDB). */
        dataDir: z.string().min(1).default('.switchboard/data'),
        /** Keep the embedded store in memory only: nothing survives a restart. */
        memory: z.boolean().default(false),
        /**
         * Where the embedded server runs: `process` (its own child process, as a real mongod: its
         * memory is not the gateway's and its work runs on any free core), `thread` (a worker
         * thread of the hub), `inline` (the hub's own event loop, for tests).
         */
        embeddedIn: z.enum(['process', 'thread', 'inline']).default('process'),
        /** Replaced by `embeddedIn`; named here so an old config file gets a sentence, not "unrecognized key". */
        embeddedThread: z
          .never({
            error:
              'mongodb.embeddedThread is replaced by mongodb.embeddedIn: "process" (the default), "thread" or "inline"',
          })
          .optional(),
        /**
         * Longest one store call a client waits on may take (an identity look-up, a page, a count, a
         * snapshot query, an API key, a change notice); past it the request answers STORE_UNAVAILABLE
         * instead of waiting on a stalled store. Client-side: it holds against a store that never answers.
         */
        operationTimeoutMs: z.number().int().positive().max(60_000).default(2_000),
        /**
         * Longest one operation of an identity sync or snapshot run may take (a batch's bulk write, a
         * page of a walk over the map). Per operation, not per job: a big run is many of them.
         */
        batchOperationTimeoutMs: z.number().int().positive().max(600_000).default(60_000),
        /**
         * Also serve the embedded store on TCP, e.g. for mongosh or Compass. It has no
         * authentication, so any local user could then read and write the repository; null (the
         * default) keeps it on its Unix socket only, which only the hub's user can open.
         */
        embeddedTcp: z
          .object({
            host: z.string().min(1).default('127.0.0.1'),
            port: z.number().int().min(0).max(65_535).default(27_017),
          })
          .strict()
          .nullable()
          .default(null),
      })
      .strict()
      .prefault({}),
    /**
     * Production mode (`NODE_ENV=production` as the operator gives it): authentication is
     * required, introspection and field suggestions are for integrators and admins only.
     */
    production: z.boolean().default(false),
    auth: z
      .object({
        /**
         * Require a credential on every request. Off, outside production, the hub runs in demo
         * mode: anonymous requests act as admin, and one demo API key per role is printed.
         */
        enabled: z.boolean().default(false),
        /** JWT bearer tokens from the company's identity provider; null accepts API keys only. */
        jwt: z
          .object({
            /** A JWKS file (JSON `{ keys: [...] }`); exactly one of jwksFile and jwksUrl. */
            jwksFile: z.string().min(1).nullable().default(null),
            /** A JWKS URL, fetched and cached by jose. */
            jwksUrl: z
              .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
              .nullable()
              .default(null),
            /** The `iss` every token must carry. */
            issuer: z.string().min(1),
            /** The `aud` every token must carry. */
            audience: z.string().min(1),
            /** The claim holding the caller's roles (an array of strings, or one space-separated string). */
            rolesClaim: z.string().min(1).default('roles'),
            /** Allowed clock difference for `exp` and `nbf`. */
            clockToleranceSeconds: z.number().int().nonnegative().max(300).default(30),
          })
          .strict()
          .refine((jwt) => (jwt.jwksFile === null) !== (jwt.jwksUrl === null), {
            message: 'expected exactly one of jwksFile and jwksUrl',
          })
          .nullable()
          .default(null),
        /** How long a verified API key is remembered; a revoked key stops working within this. */
        keyCacheSeconds: z.number().int().nonnegative().max(300).default(10),
        /** The access policy: which role may read which field and run which mutation. */
        policyFile: z.string().min(1).default('config/policy.yaml'),
        /**
         * Trusted documents: with `file` set (a JSON object of id to document, GraphQL Codegen's
         * `persisted-documents.json`, or an Apollo persisted query manifest), callers run only
         * those documents, by `documentId` or as their exact text; the roles in `anyDocumentRoles`
         * may still send their own. Null: any document (within the limits).
         */
        trustedDocuments: z
          .object({
            file: z.string().min(1).nullable().default(null),
            anyDocumentRoles: z.array(z.enum(ROLES)).default(['integrator', 'admin']),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    identity: z
      .object({
        /** The country assumed for phone numbers written without a country code (ISO 3166 alpha-2). */
        defaultCountry: z
          .string()
          .regex(/^[A-Z]{2}$/, 'expected a two-letter country code like "US"')
          .default('US'),
        /**
         * When the identity sync runs by itself at start-up. `auto`: when the map is empty, a sync
         * was left unfinished, or the map no longer matches the systems (sampled at every start);
         * `ifEmpty`: only the first two, and a mismatch is a loud warning; `always`; `never`
         * (warnings only).
         */
        syncOnStart: z.enum(['auto', 'ifEmpty', 'always', 'never']).default('auto'),
        /** Directory page size asked of each system during a sync. */
        pageSize: z.number().int().positive().max(1_000).default(500),
        /**
         * Identity look-ups (by phone, e-mail, hub id) the hub keeps in memory (LRU), so a repeat
         * screen pop reads no repository for who is calling. Served only while the identity map's
         * generation is the one they were read under. 0 turns this off, and so does
         * `cache.enabled: false`.
         */
        memoryEntries: z.number().int().nonnegative().max(1_000_000).default(10_000),
        /** What those look-ups may take, approximately, in bytes (their JSON size); 0 turns this off. */
        memoryBytes: z
          .number()
          .int()
          .nonnegative()
          .default(8 * 1024 * 1024),
        /**
         * How often, at most, the hub reads the map's state again, ms: how late it sees a sync
         * made by another process or hub (its own are seen at once).
         */
        recheckMs: z.number().int().positive().max(60_000).default(1_000),
      })
      .strict()
      .prefault({}),
    cache: z
      .object({
        /** Keep department data in the repository (cache-aside). Off: every read goes to the systems. */
        enabled: z.boolean().default(true),
        /**
         * Fresh records each connector also keeps decoded in the hub's memory (LRU), so a warm
         * read costs no repository round trip. 0 turns this off. Never serves past the TTL.
         * The bound that usually bites is `memoryBytes`; 50,000 entries hold the bench's 10,000
         * customers with room to spare (5,000 did not: a warm page missed and read the store).
         */
        memoryEntries: z.number().int().nonnegative().max(1_000_000).default(50_000),
        /** What those records may take, approximately, in bytes per connector (their JSON size); 0 turns the layer off. */
        memoryBytes: z
          .number()
          .int()
          .nonnegative()
          .default(32 * 1024 * 1024),
        /** Longest a repository read may take; past it the systems answer, as when the read fails. */
        readTimeoutMs: z.number().int().positive().max(60_000).default(500),
        /** Longest a write-back may take; past it the write counts as failed and its keys stop being "in flight". */
        writeTimeoutMs: z.number().int().positive().max(120_000).default(5_000),
        /**
         * How long a write-back waits for others before they go to the repository together, ms:
         * the departments of one request answer a few ms apart, and share one bulk write. Only
         * the write waits; answers never do. 0 sends each at the next turn of the event loop.
         */
        writeDelayMs: z.number().int().nonnegative().max(60_000).default(10),
        /**
         * Whole responses to repeated queries, kept while all their data is fresh (never past the
         * earliest TTL of the records in them, nor `maxAgeSeconds`), cleared on any change notice,
         * refresh or sync. `maxEntries: 0` turns this off.
         */
        responses: z
          .object({
            maxEntries: z.number().int().nonnegative().max(1_000_000).default(1_000),
            /** What they may take, approximately, in bytes (a response bigger than this is not kept). */
            maxBytes: z
              .number()
              .int()
              .positive()
              .default(16 * 1024 * 1024),
            maxAgeSeconds: z.number().int().positive().max(3_600).default(30),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    snapshot: z
      .object({
        /** Customers per batch request while building customer-360 snapshots. */
        batchSize: z.number().int().positive().max(1_000).default(500),
        /** Rebuild the snapshots every this many minutes while the hub runs; null: only on `npm run sync`. */
        intervalMinutes: z.number().int().positive().nullable().default(null),
      })
      .strict()
      .prefault({}),
    /** Budgets against hostile input: every one is checked before any department system or the store is asked. */
    limits: z
      .object({
        /** Largest HTTP request body, in bytes (a larger one is PAYLOAD_TOO_LARGE, 413). */
        bodyBytes: z.number().int().positive().max(10_485_760).default(102_400),
        /** Longest GraphQL document, in characters, checked before it is parsed (graphql-armor's default). */
        documentCharacters: z.number().int().positive().default(15_000),
        /** Most lexical tokens in a document; parsing stops at the first token over (graphql-armor's default). */
        tokens: z.number().int().positive().default(1_000),
        /** Deepest field nesting (graphql-armor's default; introspection is not counted). */
        depth: z.number().int().positive().default(6),
        /** Most aliases in a document (graphql-armor's default). */
        aliases: z.number().int().nonnegative().default(15),
        /** Most directives in a document (graphql-armor's default). */
        directives: z.number().int().nonnegative().default(50),
        /**
         * Highest cost (graphql-armor's cost rule: 1 per scalar, 2 per object, x1.5 per level, times a
         * literal `first` or `last`). Loosened from Armor's 5,000 to 25,000: `first` goes up to 500,
         * and 5,000 is only the README's page of 100 customers with four departments; 25,000 is the
         * same page at 500. Aliases (15) keep many such pages out of one document.
         */
        cost: z.number().int().positive().default(25_000),
        /** Most `refreshCustomer` calls in one operation (each one asks every department system). */
        refreshesPerOperation: z.number().int().positive().default(1),
        /** Most `reloadConnectors` calls in one operation (each one re-stitches the whole graph). */
        reloadsPerOperation: z.number().int().positive().default(1),
        /** Most `runSavedQuery` calls in one operation (each one is a whole operation of its own). */
        savedQueryRunsPerOperation: z.number().int().positive().default(1),
        /** Longest an operation may execute before it is answered with OPERATION_TIMEOUT. */
        executionTimeoutMs: z.number().int().positive().max(300_000).default(15_000),
        /** Slow clients: how long a connection may take to send its headers, its whole request, or sit idle. */
        http: z
          .object({
            /** Time to receive a request's headers (node's `headersTimeout`). */
            headersTimeoutMs: z.number().int().positive().default(10_000),
            /** Time to receive a whole request, headers and body (`requestTimeout`). */
            requestTimeoutMs: z.number().int().positive().default(30_000),
            /** A socket with no traffic at all is closed after this long (`connectionTimeout`). */
            connectionTimeoutMs: z.number().int().positive().default(60_000),
            /** An idle keep-alive connection is closed after this long (`keepAliveTimeout`). */
            keepAliveTimeoutMs: z.number().int().positive().default(5_000),
          })
          .strict()
          .prefault({}),
        /**
         * Load shedding: while the hub is saturated it refuses new requests at once (503,
         * `Retry-After`, OVERLOADED) rather than answering every one after its client gave up.
         * `/health`, `/healthz`, `/readyz` and `/metrics` always answer.
         */
        shedding: z
          .object({
            /** Refuse while the event loop's mean delay over the last sample is above this, ms; 0: never on this signal. */
            maxEventLoopDelayMs: z.number().int().nonnegative().max(60_000).default(200),
            /** Refuse while the event loop was busy more than this share of the last sample; 0: never on this signal. */
            maxEventLoopUtilization: z.number().min(0).max(1).default(0),
            /**
             * How often the event loop is sampled, ms; at least 100 (the delay histogram's
             * resolution is 10 ms, and an empty sample reads as infinite delay). The mean is over
             * the loop's turns in the sample: at 250 ms one long turn of a busy page (200 to 300
             * ms) was the whole sample, and 10 concurrent pages of 100 were refused 20 times in
             * 100 while their 1 s means stayed under 90 ms. A second holds enough turns that only
             * a loop that stays saturated is refused.
             */
            sampleIntervalMs: z.number().int().min(100).max(60_000).default(1_000),
            /** The `Retry-After` of a refused request, seconds. */
            retryAfterSeconds: z.number().int().positive().max(3_600).default(1),
          })
          .strict()
          .prefault({}),
        /** Requests per minute, per credential (a hash of `authorization`) or else per client address; 0 turns a budget off. */
        rate: z
          .object({
            /** GraphQL requests per minute. */
            requestsPerMinute: z.number().int().nonnegative().default(600),
            /** Requests that name `refreshCustomer`, per minute: a separate, smaller budget. */
            refreshesPerMinute: z.number().int().nonnegative().default(10),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .refine((l) => l.http.headersTimeoutMs <= l.http.requestTimeoutMs, {
        message: 'expected http.headersTimeoutMs to be at most http.requestTimeoutMs',
        path: ['http', 'headersTimeoutMs'],
      })
      .prefault({}),
    demo: z
      .object({
        /** Start the demo department systems with the hub (`npm start`). */
        enabled: z.boolean().default(true),
        seed: z.number().int().nonnegative().default(42),
        scale: z.number().int().positive().max(100_000).default(1_000),
      })
      .strict()
      .prefault({}),
    connectors: z.record(
      z.string().regex(/^[a-z][a-z0-9]*$/, 'expected a lower-case connector name'),
      connectorConfigSchema,
    ),
  })
  .strict();

/** The validated configuration. */
export type SwitchboardConfig = z.infer<typeof configSchema>;
/** One connector's validated configuration. */
export type ConnectorConfig = z.infer<typeof connectorConfigSchema>;
/** What a config file or an override may contain before defaults are applied. */
export type SwitchboardConfigInput = z.input<typeof configSchema>;
