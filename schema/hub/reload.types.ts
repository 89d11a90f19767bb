import { Field, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    'The result of `reloadConnectors`. When `ok` is false nothing changed: the hub still serves the graph ' +
    'it served before, and `reason` says what was wrong with the new configuration.',
})
export class ReloadReport {
  @Field({ description: 'True when the hub now serves the graph of the configuration it re-read.' })
  ok!: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'Why the new configuration was refused (the previous one keeps serving); null when `ok`.',
  })
  reason!: string | null;

  @Field(() => [String], { description: 'The connectors served after the reload, by name.' })
  connectors!: string[];

  @Field(() => [String], { description: 'Connectors the reload added (none when refused).' })
  added!: string[];

  @Field(() => [String], { description: 'Connectors the reload removed (none when refused).' })
  removed!: string[];

  @Field(() => String, {
    nullable: true,
    description:
      'What the reload did about the identity map when the connectors changed: a sync started in the ' +
      'background, or why `npm run sync` is needed; null when the map needs nothing.',
  })
  identity!: string | null;
}
