// Errors as a person reads them: grouped (a denied field on 300 rows is one problem, not 300),
// with a heading that says what happened and what to do, the hub's own message beside it, and
// where in the rows it is. No DOM here.

import type { HubError } from './api';

export interface ErrorGroup {
  code: string;
  heading: string;
  advice: string;
  message: string;
  /** Where in the answer, list positions as `*`: `customers.nodes.*.accounting`; empty for the whole run. */
  where: string;
  /** How many errors (rows) the group holds. */
  count: number;
}

const HEADINGS: Record<string, { heading: string; advice: string }> = {
  FORBIDDEN: {
    heading: 'Not allowed for your roles',
    advice: 'Those cells are left empty; the rest of the answer is complete. An administrator can change your roles.',
  },
  UPSTREAM_UNAVAILABLE: {
    heading: 'A department system did not answer',
    advice: 'Its cells are left empty; the other departments answered. Try again in a minute.',
  },
  UPSTREAM_TIMEOUT: {
    heading: 'A department system answered too slowly',
    advice: 'Its cells are left empty; the other departments answered. Try again in a minute.',
  },
  SAVED_QUERY_INVALID: {
    heading: 'This saved query does not run',
    advice: 'The graph has changed under it, or its text has a mistake: save a corrected version.',
  },
  SAVED_QUERY_NOT_FOUND: {
    heading: 'No such saved query or version',
    advice: 'It may have been deleted or renamed: search the list again.',
  },
  BAD_USER_INPUT: { heading: 'Check the values', advice: 'Correct the field named below and run again.' },
  UNAUTHENTICATED: { heading: 'Your key was not accepted', advice: 'Sign in again with a valid API key.' },
  STORE_UNAVAILABLE: { heading: 'The hub cannot reach its store', advice: 'Try again in a minute.' },
  SNAPSHOT_UNAVAILABLE: {
    heading: 'The customer lists are not built yet',
    advice: 'The hub builds them shortly after start; try again in a minute.',
  },
  OVERLOADED: { heading: 'The hub is busy', advice: 'Try again in a few seconds.' },
  EXPORT_INCOMPLETE: {
    heading: 'The answer was cut short',
    advice: 'A department system probably failed part-way through the list: try again in a minute.',
  },
  PERSISTED_QUERY_NOT_IN_LIST: {
    heading: 'This hub runs only registered queries',
    advice: 'Save the query (analysts may), or ask the hub’s operators to register it.',
  },
  RATE_LIMITED: { heading: 'Too many requests', advice: 'Wait a little, then try again.' },
  QUERY_TOO_COMPLEX: {
    heading: 'The query asks for too much at once',
    advice: 'Ask for fewer fields or a smaller page.',
  },
  CONFLICT: { heading: 'Someone saved at the same moment', advice: 'Reload the query and save again.' },
  OPERATION_TIMEOUT: { heading: 'The run took too long', advice: 'Narrow the query, or try again.' },
};

const FALLBACK = { heading: 'Something went wrong', advice: 'Try again; if it goes on, tell the hub’s operators.' };

function whereOf(path: HubError['path']): string {
  return (path ?? []).map((key) => (typeof key === 'number' ? '*' : key)).join('.');
}

/** The errors of a run or a request, grouped by what went wrong and where. */
export function describeErrors(errors: readonly HubError[]): ErrorGroup[] {
  const groups = new Map<string, ErrorGroup>();
  for (const error of errors) {
    const code = error.extensions?.code ?? 'ERROR';
    const where = whereOf(error.path);
    const key = `${code}\u0000${where}\u0000${error.message}`;
    const group = groups.get(key);
    if (group) group.count += 1;
    else groups.set(key, { code, ...(HEADINGS[code] ?? FALLBACK), message: error.message, where, count: 1 });
  }
  return [...groups.values()];
}
