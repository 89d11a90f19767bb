// The GraphQL operations the hub's own clients send for saved queries: the console at /console
// and `switchboard query`. Both import these texts, and the hub registers them as trusted
// documents, so with `auth.trustedDocuments` on an analyst can still list, show and save
// queries from either (a trusted document is matched byte for byte: one copy of each text).
// Plain strings, no imports: the console's browser bundle includes this file.

const SAVED_QUERY_FIELDS = `
fragment ClientSavedQuery on SavedQuery {
  name
  version
  description
  document
  documentId
  tags
  owner
  savedBy
  savedAt
  status
  problems {
    message
    locations {
      line
      column
    }
  }
  variables {
    name
    type
    defaultValue
    hasDefault
    required
  }
  pagingVariable
  history {
    version
    savedAt
    savedBy
  }
}`;

/** Every saved query's latest version, or those `search` (name, description, tag) or `tag` finds. */
export const LIST_SAVED_QUERIES = `query ClientSavedQueries($search: String, $tag: String) {
  savedQueries(search: $search, tag: $tag) {
    ...ClientSavedQuery
  }
}
${SAVED_QUERY_FIELDS}`;

/** One saved query, latest or `version`. */
export const SHOW_SAVED_QUERY = `query ClientSavedQuery($name: String!, $version: Int) {
  savedQuery(name: $name, version: $version) {
    ...ClientSavedQuery
  }
}
${SAVED_QUERY_FIELDS}`;

/** Saves a new query or its next version. */
export const SAVE_QUERY = `mutation ClientSaveQuery($input: SaveQueryInput!) {
  saveQuery(input: $input) {
    ...ClientSavedQuery
  }
}
${SAVED_QUERY_FIELDS}`;

/** Deletes a saved query with its history. */
export const DELETE_SAVED_QUERY = `mutation ClientDeleteSavedQuery($name: String!) {
  deleteSavedQuery(name: $name)
}`;

/** The texts above, for the hub to register as trusted documents. */
export const CLIENT_OPERATIONS: readonly string[] = [
  LIST_SAVED_QUERIES,
  SHOW_SAVED_QUERY,
  SAVE_QUERY,
  DELETE_SAVED_QUERY,
];
