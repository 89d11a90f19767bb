import {
  flexRender,
  getCoreRowModel,
  getPaginationRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import type { RunResult } from './api';
import { cellText, isNumericColumn, valueAt } from './cells';

const PAGE_SIZES = [25, 50, 100];

/** The rows as a table: a column per field path, sorted by a click on its heading, a page at a time. */
export function ResultTable(props: { result: RunResult }) {
  const { result } = props;
  const [sorting, setSorting] = useState<SortingState>([]);
  const columns = useMemo<ColumnDef<unknown>[]>(
    () =>
      result.columns.map((column) => {
        const numeric = isNumericColumn(result.rows, column);
        return {
          id: column.name,
          header: column.name,
          // Empty cells are undefined, which TanStack sorts last whichever way the column goes.
          accessorFn: (row: unknown) => {
            const value = valueAt(row, column);
            return value === undefined ? undefined : numeric ? value : cellText(value, column.json);
          },
          // The accessor has made the text already (a number stays a number, for sorting).
          cell: (info) => cellText(info.getValue()),
          sortingFn: numeric ? 'basic' : 'alphanumeric',
          sortUndefined: 'last',
          meta: { numeric },
        };
      }),
    [result],
  );
  const table = useReactTable({
    data: result.rows,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getPaginationRowModel: getPaginationRowModel(),
    initialState: { pagination: { pageSize: PAGE_SIZES[0] } },
  });
  if (result.rows.length === 0) return <p className="placeholder">No rows.</p>;
  const { pageIndex, pageSize } = table.getState().pagination;
  const first = pageIndex * pageSize + 1;
  const last = Math.min(result.rows.length, first + pageSize - 1);
  return (
    <div className="table-wrap">
      <table className="result" data-testid="result-table">
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                return (
                  <th
                    key={header.id}
                    aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                  >
                    <button type="button" onClick={header.column.getToggleSortingHandler()}>
                      {flexRender(header.column.columnDef.header, header.getContext())}
                      <span className="sort">{sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}</span>
                    </button>
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id}>
              {row.getVisibleCells().map((cell) => (
                <td
                  key={cell.id}
                  className={(cell.column.columnDef.meta as { numeric: boolean }).numeric ? 'num' : undefined}
                >
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="pager">
        <button
          type="button"
          onClick={() => table.firstPage()}
          disabled={!table.getCanPreviousPage()}
          aria-label="First page"
        >
          «
        </button>
        <button
          type="button"
          onClick={() => table.previousPage()}
          disabled={!table.getCanPreviousPage()}
          aria-label="Previous page"
        >
          ‹
        </button>
        <span data-testid="page-status">
          Rows {first.toLocaleString('en')}–{last.toLocaleString('en')} of {result.rows.length.toLocaleString('en')}
        </span>
        <button
          type="button"
          onClick={() => table.nextPage()}
          disabled={!table.getCanNextPage()}
          aria-label="Next page"
        >
          ›
        </button>
        <button
          type="button"
          onClick={() => table.lastPage()}
          disabled={!table.getCanNextPage()}
          aria-label="Last page"
        >
          »
        </button>
        <label>
          Rows per page
          <select name="pageSize" value={pageSize} onChange={(event) => table.setPageSize(Number(event.target.value))}>
            {PAGE_SIZES.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </label>
      </div>
    </div>
  );
}
