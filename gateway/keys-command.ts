import type { SwitchboardConfig } from '../config';
import { ROLES } from '../schema/principal';
import { validateKeyRequest, type KeyRequest } from './auth/key-request';
import { DataDirInUseError, openStore } from '../store';
import { ApiKeyRepository, type ApiKeyInfo, type CreatedApiKey } from '../store/api-keys.repository';
import { ADMIN_TOKEN_HEADER, readAdminToken } from './admin';

/** Thrown for a `keys` command that cannot be carried out; the message is for the operator. */
export class KeysCommandError extends Error {
  override readonly name = 'KeysCommandError';
}

/** The three things `keys` can do, on the store or through the running hub. */
interface KeyOperations {
  create(request: KeyRequest): Promise<CreatedApiKey>;
  list(): Promise<ApiKeyInfo[]>;
  revoke(id: string): Promise<boolean>;
}

/** `--flag value` pairs after the sub-command. */
function flags(args: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (!arg.startsWith('--')) continue;
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new KeysCommandError(`${arg} needs a value`);
    out.set(arg.slice(2), value);
    i += 1;
  }
  return out;
}

function throughHub(config: SwitchboardConfig): KeyOperations {
  const base = `http://127.0.0.1:${config.server.port}/admin/keys`;
  const token = readAdminToken(config.mongodb.dataDir);
  if (token === null)
    throw new KeysCommandError(`The data directory is in use, but no hub admin token is in ${config.mongodb.dataDir}`);
  const call = async <T>(url: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
    let response: Response;
    try {
      response = await fetch(url, { ...init, headers: { [ADMIN_TOKEN_HEADER]: token, ...init.headers } });
    } catch {
      throw new KeysCommandError(`The data directory is in use, and no hub answers at ${base}`);
    }
    const body = (await response.json()) as T & { error?: { message: string } };
    if (response.status >= 400 && response.status !== 404)
      throw new KeysCommandError(body.error?.message ?? `HTTP ${response.status}`);
    return { status: response.status, body };
  };
  return {
    create: async (request) =>
      (
        await call<CreatedApiKey>(base, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request),
        })
      ).body,
    list: async () => (await call<ApiKeyInfo[]>(base)).body,
    revoke: async (id) => (await call(`${base}/${encodeURIComponent(id)}`, { method: 'DELETE' })).status === 200,
  };
}

const USAGE = `Usage: switchboard keys create --name NAME --roles ROLE[,ROLE...]
       switchboard keys list
       switchboard keys revoke ID

Roles: ${ROLES.join(', ')}`;

/** `switchboard keys ...`: API keys for services and scripts. Returns the process exit code. */
export async function runKeysCommand(config: SwitchboardConfig, args: readonly string[]): Promise<number> {
  const [action, ...rest] = args;
  let store: Awaited<ReturnType<typeof openStore>> | null = null;
  let operations: KeyOperations;
  if (action !== 'create' && action !== 'list' && action !== 'revoke') {
    console.error(USAGE);
    return 2;
  }
  try {
    store = await openStore(config.mongodb);
    const repository = new ApiKeyRepository(store.db, store.deadlines.requestMs);
    operations = {
      create: (request) => repository.create(request.name, request.roles),
      list: () => repository.list(),
      revoke: (id) => repository.revoke(id),
    };
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    operations = throughHub(config);
  }
  try {
    if (action === 'create') {
      const given = flags(rest);
      const checked = validateKeyRequest({ name: given.get('name'), roles: given.get('roles')?.split(',') ?? [] });
      if (typeof checked === 'string') throw new KeysCommandError(checked);
      const key = await operations.create(checked);
      console.log(`Created key ${key._id} "${key.name}" with roles ${key.roles.join(', ')}.`);
      console.log(`Authorization: Bearer ${key.token}`);
      console.log('This is the only time the key is shown: only a hash of it is kept.');
    } else if (action === 'list') {
      const keys = await operations.list();
      if (keys.length === 0) console.log('No API keys.');
      for (const key of keys) {
        const state = key.revokedAt ? `revoked ${new Date(key.revokedAt).toISOString()}` : 'active';
        const kind = key.demo ? 'demo' : 'operator';
        console.log(`${key._id}  ${key.name.padEnd(24)} ${key.roles.join(',').padEnd(24)} ${kind.padEnd(9)}${state}`);
      }
    } else {
      const id = rest[0];
      if (!id) throw new KeysCommandError('keys revoke needs the id of the key (see keys list)');
      if (!(await operations.revoke(id))) throw new KeysCommandError(`No active key ${id.slice(0, 40)}`);
      console.log(`Revoked key ${id}: hubs refuse it within auth.keyCacheSeconds.`);
    }
    return 0;
  } finally {
    await store?.close();
  }
}
