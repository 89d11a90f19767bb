import type { SavedQuery } from './api';
import { WithInlineCode } from './inline-code';

/** The saved queries, searchable, each with its tags and whether it still runs. */
export function QueryList(props: {
  queries: readonly SavedQuery[];
  search: string;
  selected: string | null;
  problem: string | null;
  onSearch: (term: string) => void;
  onSelect: (name: string) => void;
  onNew: () => void;
}) {
  return (
    <nav className="list" aria-label="Saved queries">
      <input
        type="search"
        name="search"
        aria-label="Search saved queries"
        placeholder="Search names, descriptions, tags"
        value={props.search}
        onChange={(event) => props.onSearch(event.target.value)}
      />
      {props.problem && (
        <p className="problem" role="alert">
          {props.problem}
        </p>
      )}
      <ul>
        {props.queries.map((query) => (
          <li key={query.name}>
            <button
              type="button"
              className={query.name === props.selected ? 'query selected' : 'query'}
              data-query={query.name}
              aria-current={query.name === props.selected}
              onClick={() => props.onSelect(query.name)}
            >
              <span className="name">
                {query.name}
                {query.status === 'BROKEN' && <span className="badge broken">broken</span>}
              </span>
              <span className="description">
                <WithInlineCode text={query.description} />
              </span>
              <span className="tags">{query.tags.join(' · ')}</span>
            </button>
          </li>
        ))}
      </ul>
      {props.queries.length === 0 && !props.problem && <p className="placeholder">No saved query matches.</p>}
      <button type="button" className="new" onClick={props.onNew}>
        New saved query
      </button>
    </nav>
  );
}
