import { Field, ObjectType, registerEnumType } from 'type-graphql';
import type { RequestContext } from './context';

/** Where a department's data in a response came from. */
export enum DataSource {
  REPOSITORY = 'REPOSITORY',
  SYSTEM = 'SYSTEM',
}
registerEnumType(DataSource, {
  name: 'DataSource',
  description: "Where a department's data in this response came from.",
  valuesConfig: {
    REPOSITORY: { description: "The hub's central repository (MongoDB), fetched earlier." },
    SYSTEM: { description: 'The department system itself, during this request.' },
  },
});

@ObjectType({ description: "How fresh a department's data is." })
export class Freshness {
  @Field({ description: 'When the hub fetched this data from the department system.' })
  fetchedAt!: Date;

  @Field({
    description:
      'True when the system could not be reached and the hub served its last known copy, older than the ' +
      'freshness TTL. The response also lists stale departments in `extensions.freshness`.',
  })
  stale!: boolean;

  @Field(() => DataSource, { description: 'Whether this came from the repository or from the system just now.' })
  source!: DataSource;
}

/** One stale department the request served, for the response's `extensions.freshness`. */
export interface StaleServe {
  connector: string;
  key: string;
  fetchedAt: Date;
}

/** Remembers what a request served stale. Lives in the request context. */
export class FreshnessLog {
  readonly stale: StaleServe[] = [];

  /** Notes a department record served past its TTL because its system failed. */
  markStale(connector: string, key: string, fetchedAt: Date): void {
    this.stale.push({ connector, key, fetchedAt });
  }
}

/** Records a served record's freshness in the request's log when it is stale. */
export function noteFreshness(ctx: RequestContext, connector: string, key: string, freshness: Freshness): void {
  if (freshness.stale) ctx.freshness.markStale(connector, key, freshness.fetchedAt);
}
