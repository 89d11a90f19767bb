import { Field, ObjectType, registerEnumType } from 'type-graphql';

/** Where a department's data in a response came from. */
export enum DataSource {
  REPOSITORY = 'REPOSITORY',
  SYSTEM = 'SYSTEM',
}
registerEnumType(DataSource, {
  name: 'DataSource',
  description:
    "Where the hub read a department's data when it answered this query. A response replayed from the hub's " +
    'response cache (HTTP header `x-switchboard-cache: hit`) keeps the source of its first answer; `fetchedAt` ' +
    'and `freshUntil` stay exact either way.',
  valuesConfig: {
    REPOSITORY: { description: "The hub's central repository (MongoDB or its in-memory copy), fetched earlier." },
    SYSTEM: { description: 'The department system itself, while answering.' },
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

  @Field(() => DataSource, {
    description: 'Whether the hub read this from the repository or from the system while answering.',
  })
  source!: DataSource;

  @Field({
    description: "Until when the hub serves this copy without asking the system (fetchedAt plus the connector's TTL).",
  })
  freshUntil!: Date;
}
