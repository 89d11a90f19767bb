import { useCallback, useEffect, useRef, useState } from 'react';
import { HubClient, HubRequestFailed, type SavedQuery } from './api';
import { QueryList } from './query-list';
import { QueryPanel } from './query-panel';
import { SaveForm } from './save-form';
import { SignIn } from './sign-in';

/** The key stays for this tab only (sessionStorage): closing the tab signs out. */
const KEY_STORAGE = 'switchboard.console.apiKey';

/** What the main area shows; the query shown stays while a search hides it from the list. */
type View =
  { kind: 'query'; query: SavedQuery } | { kind: 'new' } | { kind: 'version'; base: SavedQuery } | { kind: 'none' };

/** The console: sign in, then a list of saved queries beside the one chosen (or a form to save one). */
export function App() {
  const [client, setClient] = useState<HubClient | null>(null);
  const [keyHint, setKeyHint] = useState('');
  const [signInProblem, setSignInProblem] = useState<string | null>(null);
  const [queries, setQueries] = useState<SavedQuery[]>([]);
  const [search, setSearch] = useState('');
  const [view, setView] = useState<View>({ kind: 'none' });
  const [listProblem, setListProblem] = useState<string | null>(null);

  const signOut = useCallback((why: string | null) => {
    sessionStorage.removeItem(KEY_STORAGE);
    setClient(null);
    setQueries([]);
    setSearch('');
    setView({ kind: 'none' });
    setSignInProblem(why);
  }, []);

  /** Any call refused with 401 means the key no longer works: back to the sign-in form, saying so. */
  const onRequestFailed = useCallback(
    (error: unknown): boolean => {
      if (error instanceof HubRequestFailed && error.status === 401) {
        signOut('The hub no longer accepts this key: sign in again.');
        return true;
      }
      return false;
    },
    [signOut],
  );

  const signIn = useCallback(async (key: string) => {
    const candidate = new HubClient(key.trim());
    try {
      const listed = await candidate.list('');
      sessionStorage.setItem(KEY_STORAGE, key.trim());
      setClient(candidate);
      setKeyHint(key.trim() ? `${key.trim().slice(0, 15)}…` : 'no key (demo mode)');
      setQueries(listed);
      setSignInProblem(null);
    } catch (error) {
      // A key the hub refused is not tried again at the next reload (each try counts against the
      // limit on refused credentials).
      if (error instanceof HubRequestFailed && error.status === 401) sessionStorage.removeItem(KEY_STORAGE);
      setSignInProblem(
        error instanceof HubRequestFailed
          ? error.status === 401
            ? 'The hub did not accept this key. Check it, or ask an administrator for one (npx switchboard keys create).'
            : error.code === 'FORBIDDEN'
              ? 'This key is valid, but its roles may not use saved queries.'
              : error.message
          : 'The hub could not be reached.',
      );
    }
  }, []);

  useEffect(() => {
    const kept = sessionStorage.getItem(KEY_STORAGE);
    if (kept !== null) void signIn(kept);
  }, [signIn]);

  // Typing sends a search per key: only the latest one's answer is shown, whatever order they come back in.
  const latestSearch = useRef(0);
  const refresh = useCallback(
    async (term: string) => {
      if (!client) return;
      const asked = ++latestSearch.current;
      try {
        const found = await client.list(term);
        if (asked !== latestSearch.current) return;
        setQueries(found);
        // The query shown follows its latest version when the list has it (a new version saved).
        setView((view) =>
          view.kind === 'query'
            ? { kind: 'query', query: found.find((q) => q.name === view.query.name) ?? view.query }
            : view,
        );
        setListProblem(null);
      } catch (error) {
        if (!onRequestFailed(error)) setListProblem(error instanceof Error ? error.message : String(error));
      }
    },
    [client, onRequestFailed],
  );

  if (!client) return <SignIn problem={signInProblem} onSignIn={signIn} />;
  const shown = view.kind === 'query' ? view.query : undefined;
  return (
    <div className="layout">
      <header className="top">
        <h1>Switchboard console</h1>
        <span className="who" data-testid="signed-in">
          Signed in with {keyHint}
        </span>
        <button type="button" onClick={() => signOut(null)}>
          Sign out
        </button>
      </header>
      <QueryList
        queries={queries}
        search={search}
        selected={view.kind === 'query' ? view.query.name : null}
        problem={listProblem}
        onSearch={(term) => {
          setSearch(term);
          void refresh(term);
        }}
        onSelect={(name) => {
          const query = queries.find((q) => q.name === name);
          if (query) setView({ kind: 'query', query });
        }}
        onNew={() => setView({ kind: 'new' })}
      />
      <main className="main">
        {view.kind === 'none' && <p className="placeholder">Choose a saved query on the left, or save a new one.</p>}
        {shown && (
          <QueryPanel
            key={`${shown.name}@${shown.version}`}
            client={client}
            latest={shown}
            onRequestFailed={onRequestFailed}
            onNewVersion={(base) => setView({ kind: 'version', base })}
          />
        )}
        {(view.kind === 'new' || view.kind === 'version') && (
          <SaveForm
            key={view.kind === 'version' ? `version-${view.base.name}` : 'new'}
            client={client}
            base={view.kind === 'version' ? view.base : null}
            onRequestFailed={onRequestFailed}
            onCancel={() => setView(view.kind === 'version' ? { kind: 'query', query: view.base } : { kind: 'none' })}
            onSaved={async (saved) => {
              setSearch('');
              setView({ kind: 'query', query: saved });
              await refresh('');
            }}
          />
        )}
      </main>
    </div>
  );
}
