import { ALL_SILO_NAMES, startSilos, type RunningSilos, type SiloName, type World } from '../../silos';

/** A JSON answer: status and parsed body. */
export interface JsonAnswer<T> {
  status: number;
  body: T;
}

/** GETs `url` and parses the JSON answer. */
export async function getJson<T = Record<string, unknown>>(url: string): Promise<JsonAnswer<T>> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

/** POSTs `body` as JSON to `url` and parses the JSON answer. */
export async function postJson<T = Record<string, unknown>>(url: string, body: unknown): Promise<JsonAnswer<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** The error envelope every silo answers with. */
export interface ErrorAnswer {
  error: { code: string; message: string };
}

/** Starts `names` (default the four default ones) over `world` on free ports, for one test file. */
export function startOnFreePorts(world: World, names?: readonly SiloName[], latencyMs?: number): Promise<RunningSilos> {
  return startSilos({
    world,
    only: names,
    latencyMs,
    ports: Object.fromEntries(ALL_SILO_NAMES.map((name) => [name, 0])),
  });
}

/** URL-encodes a query string value. */
export const q = encodeURIComponent;
