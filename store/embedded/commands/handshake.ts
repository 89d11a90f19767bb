/**
 * Handshake, monitoring and diagnostics: what the driver asks on connect and while monitoring
 * (hello / isMaster, ping, endSessions) and what tools ask (buildInfo, serverStatus...). The
 * server presents itself as a standalone MongoDB 7.0 (wire version 21) without compression.
 */
import os from 'node:os';
import { BSON } from 'mongodb';
import { MAX_BSON_SIZE } from '../documents';
import { CommandError } from '../errors';
import type { Doc } from '../values';
import type { CommandContext, CommandHandler } from './context';

/** The MongoDB version whose behaviour the server follows. */
export const SERVER_VERSION = '7.0.0';
/** MongoDB 7.0's wire version. */
export const MAX_WIRE_VERSION = 21;
/** MongoDB's message size limit (a message may carry several documents of up to 16 MiB). */
export const MAX_MESSAGE_SIZE = 48_000_000;

/**
 * The handshake reply. No `topologyVersion`, so the driver polls (every 10 s) instead of
 * holding a streaming `hello`; no `compression`, so messages stay uncompressed; no `setName`,
 * so the driver treats us as a standalone (no retryable writes, no transactions).
 */
function hello(cmd: Doc, ctx: CommandContext, legacy: boolean): Doc {
  return {
    ...(cmd.helloOk === true ? { helloOk: true } : {}),
    [legacy ? 'ismaster' : 'isWritablePrimary']: true,
    maxBsonObjectSize: MAX_BSON_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
  };
}

function buildInfo(): Doc {
  return {
    version: SERVER_VERSION,
    gitVersion: 'switchboard-embedded',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_SIZE,
    storageEngines: ['sqlite'],
    javascriptEngine: 'none',
    modules: [],
    openssl: { running: 'disabled' },
    allocator: 'system',
    buildEnvironment: {},
  };
}

/** The parameters `getParameter` knows (others are answered as MongoDB does: not found). */
const PARAMETERS: Record<string, () => unknown> = {
  featureCompatibilityVersion: () => ({ version: '7.0' }),
  authenticationMechanisms: () => [],
  maxBSONDepth: () => 100,
  ttlMonitorEnabled: () => true,
};

function getParameter(cmd: Doc): Doc {
  const all = cmd.getParameter === '*';
  const reply: Doc = {};
  for (const [name, value] of Object.entries(PARAMETERS)) if (all || name in cmd) reply[name] = value();
  if (Object.keys(reply).length === 0) throw new CommandError('InvalidOptions', 'no option found to get');
  return reply;
}

function hostInfo(): Doc {
  return {
    system: {
      currentTime: new Date(),
      hostname: os.hostname(),
      cpuAddrSize: 64,
      memSizeMB: Math.round(os.totalmem() / 1024 / 1024),
      numCores: os.cpus().length,
      cpuArch: os.arch(),
    },
    os: { type: os.type(), name: os.platform(), version: os.release() },
    extra: {},
  };
}

function serverStatus(ctx: CommandContext): Doc {
  const uptimeMillis = Date.now() - ctx.engine.startedAt.getTime();
  return {
    host: os.hostname(),
    version: SERVER_VERSION,
    process: 'switchboard-embedded',
    pid: BSON.Long.fromNumber(process.pid),
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis: BSON.Long.fromNumber(uptimeMillis),
    localTime: new Date(),
    connections: { current: ctx.connections.current, available: 1_000_000, totalCreated: ctx.connections.totalCreated },
    metrics: { cursor: { open: { total: ctx.engine.cursors.size } } },
    storageEngine: { name: 'sqlite', persistent: true },
  };
}

/** Sessions are accepted and ignored: every command runs alone and commits on its own. */
const noop: CommandHandler = () => ({});

/** The handshake and diagnostics commands, by name. */
export const handshakeCommands: Record<string, CommandHandler> = {
  hello: (cmd, ctx) => hello(cmd, ctx, false),
  isMaster: (cmd, ctx) => hello(cmd, ctx, true),
  ismaster: (cmd, ctx) => hello(cmd, ctx, true),
  ping: noop,
  buildInfo,
  buildinfo: buildInfo,
  getParameter,
  hostInfo,
  serverStatus: (_cmd, ctx) => serverStatus(ctx),
  whatsmyuri: (_cmd, ctx) => ({ you: `connection ${ctx.connectionId}` }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] } }),
  endSessions: noop,
  refreshSessions: noop,
  killSessions: noop,
  killAllSessions: noop,
};
