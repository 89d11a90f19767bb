// Public API of schema/saved-query/: named, versioned queries analysts keep in the hub, and how they run.
export { SavedQueries } from './saved-queries';
export type {
  DocumentRunner,
  PreparedRun,
  RunOptions,
  RunResult,
  SaveRequest,
  SavedQueriesOptions,
} from './saved-queries';
export { createSavedQueryResolver } from './saved-query.resolver';
export { checkSavedDocument, EXPORT_PARAMETERS } from './document';
export type { DocumentCheck, DocumentProblem, RunnableDocument } from './document';
