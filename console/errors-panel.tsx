import type { HubError } from './api';
import { describeErrors } from './describe-error';
import { ProblemList } from './problem-list';

/** A run's errors, grouped and explained, shown beside the partial data they left. */
export function ErrorsPanel(props: { errors: readonly HubError[]; total: number; title: string }) {
  const groups = describeErrors(props.errors);
  return (
    <section className="errors" role="alert" aria-label={props.title}>
      <h3>{props.title}</h3>
      {props.total > props.errors.length && (
        <p className="meta">{props.total.toLocaleString('en')} errors in all; each kind is listed once.</p>
      )}
      <ul>
        {groups.map((group) => (
          <li key={`${group.code} ${group.where} ${group.message}`} data-code={group.code}>
            <strong>{group.heading}</strong> <code>{group.code}</code>
            <p>{group.message}</p>
            {group.where && <p className="meta">At {group.where}</p>}
            <p className="advice">{group.advice}</p>
            {group.code === 'SAVED_QUERY_INVALID' && (
              <Problems error={props.errors.find((e) => e.message === group.message)} />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Problems(props: { error: HubError | undefined }) {
  const problems = props.error?.extensions?.problems ?? [];
  if (problems.length === 0) return null;
  return <ProblemList problems={problems} className="problems-list" />;
}
