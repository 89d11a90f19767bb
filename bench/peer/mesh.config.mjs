// GraphQL Mesh composition of the peer (bench/README.md, "The peer"): the four silos' own OpenAPI
// documents, joined by the declarative links Mesh offers (`@resolveTo`, batched with `keysArg`
// where a silo has a batch endpoint keyed by something the accounting record carries). Run by
// bench/peer-process.ts as `mesh-compose -c mesh.config.mjs -o <supergraph>` with
// PEER_SILOS = {"accounting": {"url": ..., "document": <prepared OpenAPI file>}, ...}.
import { defineConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

const silos = JSON.parse(process.env.PEER_SILOS ?? '{}');

// The batch reads are POSTs, which Mesh makes mutations; they only read, so they are queries here.
const BATCH_FIELDS = {
  accounting: 'post_accounts_batch',
  sales: 'post_contacts_batch',
  credit: 'post_profiles_lookup',
  support: 'post_requesters_batch',
};

/** The accounting record, as the directory and the phone search list it (Mesh names each list's item type). */
const ACCOUNT_SUMMARY_TYPES = ['query_accounts_items_items', 'query_accounts_search_accounts_items'];

// Mesh's own definition (fusion-composition), stated so the SDL below stands alone.
const RESOLVE_TO = /* GraphQL */ `
  scalar ResolveToSourceArgs
  directive @resolveTo(
    requiredSelectionSet: String
    sourceName: String
    sourceTypeName: String
    sourceFieldName: String
    sourceSelectionSet: String
    sourceArgs: ResolveToSourceArgs
    keyField: String
    keysArg: String
    valueKeyField: String
    pubsubTopic: String
    filterBy: String
    additionalArgs: ResolveToSourceArgs
    result: String
    resultType: String
  ) on FIELD_DEFINITION
`;

/** A batched link: one request per department per page, answers matched to keys byte for byte. */
const batched = (silo, keyField, keysArg, valueKeyField, result) =>
  `@resolveTo(sourceName: "${silo}", sourceTypeName: "Query", sourceFieldName: "${BATCH_FIELDS[silo]}", ` +
  `keyField: "${keyField}", keysArg: "${keysArg}", valueKeyField: "${valueKeyField}", result: "${result}")`;

/** A per-record link through a silo's search (no batch endpoint takes what accounting knows). */
const searched = (silo, field, arg, result) =>
  `@resolveTo(sourceName: "${silo}", sourceTypeName: "Query", sourceFieldName: "${field}", ` +
  `requiredSelectionSet: "{ ${arg} }", sourceArgs: { ${arg}: "{root.${arg}}" }, result: "${result}")`;

const links = /* GraphQL */ `
  ${ACCOUNT_SUMMARY_TYPES.map(
    (type) => `
  extend type ${type} {
    "The full account: accounting's batch read by account number."
    account: query_post_accounts_batch_accounts_items
      ${batched('accounting', 'accountNumber', 'input.accountNumbers', 'accountNumber', 'accounts')}
    "The first sales contact with the account's e-mail (sales is keyed by its own contact id)."
    sales: query_contacts_search_data_items ${searched('sales', 'contacts_search', 'email', 'data[0]')}
    "The first credit profile with the account's e-mail (its tax number is formatted differently)."
    credit: query_profiles_search_results_items ${searched('credit', 'profiles_search', 'email', 'results[0]')}
    "The first support requester with the account's e-mail, by search (matched in any case)."
    support: query_requesters_search_requesters_items ${searched('support', 'requesters_search', 'email', 'requesters[0]')}
    "Support's batch read keyed by the account's e-mail as typed: matched byte for byte, so another case joins nothing."
    supportByEmailBatch: query_post_requesters_batch_requesters_items
      ${batched('support', 'email', 'input.emails', 'email', 'requesters')}
  }`,
  ).join('\n')}
  extend type query_contacts_search_data_items {
    "The contact's orders and lifetime value: sales' batch read by contact id."
    contact: query_post_contacts_batch_data_items ${batched('sales', 'id', 'input.ids', 'id', 'data')}
  }
  extend type query_requesters_search_requesters_items {
    "The requester's tickets and calls: support's batch read by its own (lower-case) e-mail."
    requester: query_post_requesters_batch_requesters_items
      ${batched('support', 'email', 'input.emails', 'email', 'requesters')}
  }
  extend type query_profiles_search_results_items {
    "The profile's limit, score and risk band: credit's batch lookup by tax number."
    profile: query_post_profiles_lookup_results_items
      ${batched('credit', 'taxNumber', 'input.taxNumbers', 'taxNumber', 'results')}
  }
`;

export const composeConfig = defineConfig({
  subgraphs: Object.entries(silos).map(([name, { url, document }]) => ({
    sourceHandler: loadOpenAPISubgraph(name, {
      source: document,
      endpoint: url,
      selectQueryOrMutationField: [{ type: 'query', fieldName: BATCH_FIELDS[name] }],
    }),
  })),
  additionalTypeDefs: [RESOLVE_TO, links],
});
