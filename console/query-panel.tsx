import { useEffect, useRef, useState, type FormEvent } from 'react';
import { HubRequestFailed, type HubClient, type HubError, type RunResult, type SavedQuery } from './api';
import { ErrorsPanel } from './errors-panel';
import { WithInlineCode } from './inline-code';
import { ProblemList } from './problem-list';
import { ResultChart } from './result-chart';
import { ResultTable } from './result-table';
import { formVariables, queryStringOf } from './variables';
import { VariablesForm } from './variables-form';

/**
 * How many rows the console reads for its table and chart, at most (5,000 unless the analyst
 * picks another); a longer list says so, and the CSV download has every row.
 */
const ROW_LIMITS = [100, 1000, 5000, 20000];
const DEFAULT_ROW_LIMIT = 5000;

/** One saved query: what it is, its variables, Run and Download CSV, and its answer. */
export function QueryPanel(props: {
  client: HubClient;
  latest: SavedQuery;
  onRequestFailed: (error: unknown) => boolean;
  onNewVersion: (base: SavedQuery) => void;
}) {
  const { client } = props;
  const [query, setQuery] = useState(props.latest);
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [result, setResult] = useState<RunResult | null>(null);
  const [failure, setFailure] = useState<HubError[] | null>(null);
  const [busy, setBusy] = useState<'run' | 'csv' | null>(null);
  /** Runs finished, success or not: what a script driving the page waits on. */
  const [runs, setRuns] = useState(0);
  const [rowLimit, setRowLimit] = useState(DEFAULT_ROW_LIMIT);
  const isLatest = query.version === props.latest.version;
  const variables = formVariables(query.variables, query.pagingVariable);
  const values = () => queryStringOf(variables, texts);
  const version = isLatest ? null : query.version;

  // Each call takes a ticket; an answer is shown only if no later call was made meanwhile, and
  // never after the panel is gone (another query chosen, signed out).
  const ticket = useRef(0);
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );
  const current = (mine: number) => alive.current && mine === ticket.current;

  const fail = (error: unknown) => {
    if (props.onRequestFailed(error)) return;
    setFailure(error instanceof HubRequestFailed ? error.errors : [{ message: 'The hub could not be reached.' }]);
  };

  const run = async (event?: FormEvent) => {
    event?.preventDefault();
    const mine = ++ticket.current;
    setBusy('run');
    setFailure(null);
    try {
      const answer = await client.run(query.name, version, values(), rowLimit);
      if (current(mine)) setResult(answer);
    } catch (error) {
      if (!current(mine)) return;
      setResult(null);
      fail(error);
    } finally {
      if (current(mine)) {
        setBusy(null);
        setRuns((count) => count + 1);
      }
    }
  };

  const downloadCsv = async () => {
    const mine = ++ticket.current;
    setBusy('csv');
    setFailure(null);
    try {
      const { file, fileName } = await client.csv(query.name, version, values());
      if (!current(mine)) return;
      const link = document.createElement('a');
      link.href = URL.createObjectURL(file);
      link.download = fileName;
      link.click();
      // The click has handed the file to the browser; the object URL is not needed after it.
      setTimeout(() => URL.revokeObjectURL(link.href), 0);
    } catch (error) {
      if (current(mine)) fail(error);
    } finally {
      if (current(mine)) setBusy(null);
    }
  };

  const chooseVersion = async (chosen: number) => {
    const mine = ++ticket.current;
    setFailure(null);
    try {
      const shown = await client.show(query.name, chosen === props.latest.version ? null : chosen);
      if (!current(mine)) return;
      if (shown) {
        setQuery(shown);
        setResult(null);
      }
    } catch (error) {
      if (current(mine)) fail(error);
    }
  };

  const fieldErrors = Object.fromEntries(
    (failure ?? [])
      .filter((error) => typeof error.extensions?.argument === 'string')
      .map((error) => [error.extensions!.argument!, error.message]),
  );
  const broken = query.status === 'BROKEN';
  return (
    <section className="panel" aria-labelledby="query-title" data-query-panel={query.name} data-runs={runs}>
      <div className="panel-head">
        <h2 id="query-title">
          {query.name}
          {broken && <span className="badge broken">broken</span>}
        </h2>
        <label className="version">
          Version
          <select
            name="version"
            value={query.version}
            disabled={busy !== null}
            onChange={(event) => void chooseVersion(Number(event.target.value))}
          >
            {props.latest.history.map((entry) => (
              <option key={entry.version} value={entry.version}>
                v{entry.version}
                {entry.version === props.latest.version ? ' (latest)' : ''} · {entry.savedBy} ·{' '}
                {new Date(entry.savedAt).toLocaleDateString()}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="description">
        <WithInlineCode text={query.description} />
      </p>
      <p className="meta">
        Owned by {query.owner} · tags {query.tags.join(', ') || 'none'}
      </p>
      {broken && (
        <div className="problems" role="alert">
          <h3>This saved query no longer runs against the graph</h3>
          <ProblemList problems={query.problems} />
          <p>Save a corrected version to run it again.</p>
        </div>
      )}
      <form className="run" onSubmit={(event) => void run(event)}>
        <VariablesForm
          variables={variables}
          pageSizeVariable={query.pagingVariable ? 'first' : null}
          texts={texts}
          errors={fieldErrors}
          onChange={(name, text) => setTexts({ ...texts, [name]: text })}
        />
        <div className="actions">
          <button type="submit" disabled={broken || busy !== null}>
            {busy === 'run' ? 'Running…' : 'Run'}
          </button>
          <button type="button" disabled={broken || busy !== null} onClick={() => void downloadCsv()}>
            {busy === 'csv' ? 'Preparing CSV…' : 'Download CSV'}
          </button>
          <button type="button" onClick={() => props.onNewVersion(query)}>
            Save a new version
          </button>
          <label className="row-limit">
            Rows to show, at most
            <select
              name="rowLimit"
              value={rowLimit}
              disabled={busy !== null}
              onChange={(event) => setRowLimit(Number(event.target.value))}
            >
              {ROW_LIMITS.map((limit) => (
                <option key={limit} value={limit}>
                  {limit.toLocaleString('en')}
                </option>
              ))}
            </select>
          </label>
        </div>
      </form>
      {failure && <ErrorsPanel errors={failure} total={failure.length} title="The run did not finish" />}
      {result && (
        <>
          <p className="summary" data-testid="summary">
            {summaryOf(result)}
          </p>
          {result.errors.length > 0 && (
            <ErrorsPanel errors={result.errors} total={result.errorCount} title="Some of the answer is missing" />
          )}
          <ResultTable result={result} />
          <ResultChart result={result} />
        </>
      )}
      <details className="document">
        <summary>GraphQL document (version {query.version})</summary>
        <pre>{query.document}</pre>
      </details>
    </section>
  );
}

function summaryOf(result: RunResult): string {
  const rows = result.rows.length.toLocaleString('en');
  if (result.truncated)
    return `Showing the first ${rows} rows${
      result.totalCount === null ? '' : ` of ${result.totalCount.toLocaleString('en')}`
    }: Download CSV has them all.`;
  return `${rows} ${result.rows.length === 1 ? 'row' : 'rows'}`;
}
