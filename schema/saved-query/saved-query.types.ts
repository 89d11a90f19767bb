import { GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

/** Whether a saved query still runs against the graph served now. */
export enum SavedQueryStatus {
  OK = 'OK',
  BROKEN = 'BROKEN',
}

registerEnumType(SavedQueryStatus, {
  name: 'SavedQueryStatus',
  description: 'Whether a saved query still runs against the graph the hub serves now.',
  valuesConfig: {
    OK: { description: 'Its document validates against the graph served now.' },
    BROKEN: {
      description:
        'The graph has changed under it (a field gone, a type renamed): `problems` says what; it does not run.',
    },
  },
});

@ObjectType({ description: 'A line and column in a document, both from 1.' })
export class SourceLocation {
  @Field(() => Int, { description: 'The line, from 1.' })
  line!: number;

  @Field(() => Int, { description: 'The column, from 1.' })
  column!: number;
}

@ObjectType({ description: "One reason a saved query's document does not run, and where it is in the text." })
export class DocumentProblem {
  @Field({ description: 'GraphQL\'s own message, e.g. `Cannot query field "balanse" on type "AccountingAccount".`' })
  message!: string;

  @Field(() => [SourceLocation], { description: 'Where in the document the problem is.' })
  locations!: SourceLocation[];
}

@ObjectType({ description: 'A variable a saved query declares: what a run may or must give.' })
export class SavedQueryVariable {
  @Field({ description: 'Its name, without the `$`.' })
  name!: string;

  @Field({ description: 'Its GraphQL type as the document writes it, e.g. `Int!` or `[ID!]`.' })
  type!: string;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'The default the document gives, as JSON; null when it gives none (see `hasDefault`).',
  })
  defaultValue!: unknown;

  @Field({ description: 'Whether the document gives a default (a default of null is one).' })
  hasDefault!: boolean;

  @Field({ description: 'True when every run must give it: a non-null type without a default.' })
  required!: boolean;
}

@ObjectType({
  description:
    'A named, parameterised GraphQL query kept in the hub, in one of its versions. Every save is a new version; ' +
    "a saved query runs with the caller's own roles, so it never shows anyone a field the policy denies them.",
})
export class SavedQuery {
  @Field({ description: 'Its unique name: lower case letters, digits and dashes (it is also a URL and a file name).' })
  name!: string;

  @Field(() => Int, { description: 'This version: 1 for the first save, one more for each save after.' })
  version!: number;

  @Field({ description: 'What it answers, for the people choosing one.' })
  description!: string;

  @Field({ description: 'The GraphQL document: one query operation.' })
  document!: string;

  @Field({
    description: 'The id to run its document by as a trusted document: `sha256:` and the SHA-256 of `document`, hex.',
  })
  documentId!: string;

  @Field(() => [SavedQueryVariable], { description: 'The variables its operation declares, in order.' })
  variables!: SavedQueryVariable[];

  @Field(() => [String], { description: 'Its tags, e.g. `collections`, `sales`.' })
  tags!: string[];

  @Field({ description: 'Who owns it (its first saver): only they or an admin may save a new version or delete it.' })
  owner!: string;

  @Field({ description: 'Who saved this version.' })
  savedBy!: string;

  @Field({ description: 'When this version was saved.' })
  savedAt!: Date;

  @Field({ description: 'When its first version was saved.' })
  createdAt!: Date;
}

@ObjectType({ description: 'One error of a saved query run, as the GraphQL response gave it.' })
export class SavedQueryRunError {
  @Field({ description: "The error's message, as the hub tells it to a client." })
  message!: string;

  @Field(() => String, { nullable: true, description: 'Its `extensions.code`, e.g. `FORBIDDEN`.' })
  code!: string | null;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'Where in `data` it belongs (field names and list indices); null for an error of the whole run.',
  })
  path!: ReadonlyArray<string | number> | null;
}

@ObjectType({
  description:
    'A saved query run: its data and errors as a GraphQL response gives them (partial data beside the errors ' +
    'of the fields that failed or were denied).',
})
export class SavedQueryRun {
  @Field({ description: 'The saved query that ran.' })
  name!: string;

  @Field(() => Int, { description: 'The version that ran.' })
  version!: number;

  @Field(() => GraphQLJSONObject, { nullable: true, description: "The operation's `data`." })
  data!: Record<string, unknown> | null;

  @Field(() => [SavedQueryRunError], { description: "The operation's errors; empty when everything answered." })
  errors!: SavedQueryRunError[];
}

@InputType({ description: 'A saved query to save: new, or the next version of one that exists.' })
export class SaveQueryInput {
  @Field({ description: 'Lower case letters, digits and dashes, 2 to 64 characters, starting with a letter.' })
  name!: string;

  @Field({ description: 'What it answers (up to 2,000 characters).' })
  description!: string;

  @Field({ description: 'One GraphQL query operation; its variables are what runs give.' })
  document!: string;

  @Field(() => [String], { nullable: true, description: 'Up to 20 tags, each like a name.' })
  tags?: string[] | null;
}
