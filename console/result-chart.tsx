import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Column, RunResult } from './api';
import { isNumericColumn } from './cells';
import { chartDataOf, defaultGroupColumn, mixedCurrencies, type Aggregate, type ChartKind } from './chart-data';

// Only what the two chart kinds draw: the bundle leaves the rest of Chart.js out.
Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Tooltip,
);

const AGGREGATES: Record<Aggregate, string> = { sum: 'Sum', average: 'Average', count: 'Count of rows' };

/**
 * The rows as a chart: a bar or a line over a numeric column, grouped by another column, with
 * the figures it draws in a table beside it (what a screen reader, or a check, reads). Its
 * settings start again when a run brings other columns (or other numeric ones).
 */
export function ResultChart(props: { result: RunResult }) {
  const { result } = props;
  const numeric = useMemo(() => result.columns.filter((column) => isNumericColumn(result.rows, column)), [result]);
  const signature = `${result.columns.map((column) => column.name).join(',')}|${numeric.map((column) => column.name).join(',')}`;
  return <ChartBody key={signature} result={result} numeric={numeric} />;
}

function ChartBody(props: { result: RunResult; numeric: Column[] }) {
  const { result, numeric } = props;
  const groupable = useMemo(() => result.columns.filter((column) => !numeric.includes(column)), [result, numeric]);
  const [kind, setKind] = useState<ChartKind>('bar');
  const [valueName, setValueName] = useState(numeric[0]?.name ?? '');
  const [groupName, setGroupName] = useState(
    () => defaultGroupColumn(result.rows, groupable)?.name ?? result.columns[0]?.name ?? '',
  );
  const [aggregate, setAggregate] = useState<Aggregate>(numeric.length > 0 ? 'sum' : 'count');
  const canvas = useRef<HTMLCanvasElement>(null);
  const value = result.columns.find((column) => column.name === valueName);
  const groupBy = result.columns.find((column) => column.name === groupName);
  const data = useMemo(
    () =>
      groupBy && (value || aggregate === 'count')
        ? chartDataOf(result.rows, { kind, value: value ?? groupBy, groupBy, aggregate })
        : null,
    [result, kind, value, groupBy, aggregate],
  );
  const currencies = useMemo(
    () => (value && aggregate !== 'count' ? mixedCurrencies(result.rows, result.columns, value) : []),
    [result, value, aggregate],
  );
  const measure = aggregate === 'count' ? 'rows' : `${AGGREGATES[aggregate].toLowerCase()} of ${valueName}`;

  useEffect(() => {
    if (!canvas.current || !data) return;
    const chart = new Chart(canvas.current, {
      type: kind,
      data: {
        labels: data.labels,
        datasets: [{ label: measure, data: data.values, backgroundColor: '#2f6fdf', borderColor: '#2f6fdf' }],
      },
      options: {
        // Drawn at once: an analyst changing a setting wants the new picture, not a transition.
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          y: { beginAtZero: true, title: { display: true, text: measure } },
          x: { title: { display: true, text: groupName } },
        },
      },
    });
    return () => chart.destroy();
  }, [data, kind, measure, groupName]);

  if (result.rows.length === 0 || result.columns.length === 0) return null;
  return (
    <section className="chart" aria-label="Chart">
      <h3>Chart</h3>
      <div className="chart-controls">
        <label>
          Chart
          <select name="chartKind" value={kind} onChange={(event) => setKind(event.target.value as ChartKind)}>
            <option value="bar">Bar</option>
            <option value="line">Line</option>
          </select>
        </label>
        <label>
          Measure
          <select
            name="aggregate"
            value={aggregate}
            onChange={(event) => setAggregate(event.target.value as Aggregate)}
          >
            {Object.entries(AGGREGATES)
              .filter(([key]) => key === 'count' || numeric.length > 0)
              .map(([key, label]) => (
                <option key={key} value={key}>
                  {label}
                </option>
              ))}
          </select>
        </label>
        {aggregate !== 'count' && (
          <label>
            of
            <select name="valueColumn" value={valueName} onChange={(event) => setValueName(event.target.value)}>
              {numeric.map((column) => (
                <option key={column.name} value={column.name}>
                  {column.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          grouped by
          <select name="groupColumn" value={groupName} onChange={(event) => setGroupName(event.target.value)}>
            {result.columns.map((column) => (
              <option key={column.name} value={column.name}>
                {column.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="chart-canvas">
        <canvas
          ref={canvas}
          data-testid="chart"
          role="img"
          aria-label={`${kind} chart of ${measure} by ${groupName}`}
        />
      </div>
      {result.truncated && (
        <p className="meta" data-testid="chart-partial">
          Drawn from the first {result.rows.length.toLocaleString('en')} rows only: the CSV download has them all.
        </p>
      )}
      {currencies.length > 0 && (
        <p className="warning" data-testid="chart-currencies">
          {valueName} is in {currencies.join(', ')}: {AGGREGATES[aggregate].toLowerCase()}s mix them. Group by the
          currency column, or save a version of the query that filters one.
        </p>
      )}
      {data?.byMonth && <p className="meta">{groupName} holds dates: they are grouped by month.</p>}
      {data && data.omittedGroups > 0 && (
        <p className="meta">
          {data.omittedGroups} more groups are left out: a chart shows {data.labels.length} at most.
        </p>
      )}
      {data && (
        <details className="chart-data">
          <summary>Figures</summary>
          <table data-testid="chart-data">
            <thead>
              <tr>
                <th>{groupName}</th>
                <th>{measure}</th>
              </tr>
            </thead>
            <tbody>
              {data.labels.map((label, index) => (
                <tr key={label}>
                  <td>{label}</td>
                  <td className="num">{data.values[index] ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}
