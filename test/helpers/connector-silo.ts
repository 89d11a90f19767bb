import axios from 'axios';

/** How many API requests the silo at `url` has served (`GET /_stats` does not count itself). */
export async function siloRequestCount(url: string): Promise<number> {
  const { data } = await axios.get<{ requests: number }>(`${url}/_stats`);
  return data.requests;
}

/** Chaos settings of a silo: added latency, the share of requests failed with 503, and holding every request unanswered. */
export interface Chaos {
  latencyMs?: number;
  failRate?: number;
  /** The silo answers no API request until the chaos is set again without `hang` (`{}`). */
  hang?: boolean;
}

/** Sets the chaos in force on the silo at `url` (`{}` resets it); rejects when the silo refuses. */
export async function setChaos(url: string, chaos: Chaos): Promise<void> {
  await axios.post(`${url}/_chaos`, chaos);
}
