import { parse as parseCsv } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { buildSchema } from 'graphql';
import { cellsOf, planRowsOfText, rowsOf } from '../../../schema/saved-query/rows';

const schema = buildSchema(/* GraphQL */ `
  type Query {
    customers(first: Int, after: String): CustomerConnection!
    hello: String
    count: Int
  }
  type CustomerConnection {
    nodes: [Customer!]!
    edges: [Edge!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }
  type Edge {
    cursor: String!
    node: Customer!
  }
  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
  }
  type Customer {
    id: ID!
    name: String!
    phones: [String!]!
    accounting: Account
    invoices: [Invoice!]!
  }
  type Account {
    balance: Float!
    currency: String!
  }
  type Invoice {
    number: String!
    total: Float!
  }
`);

describe('how a saved query answer becomes rows and cells', () => {
  it('makes a response key selected twice one column set, its selections merged as GraphQL merges them', () => {
    const plan = planRowsOfText(
      schema,
      `{ customers { nodes { id accounting { balance } name ...More id } } }
      fragment More on Customer { accounting { currency balance } }`,
    );
    expect(plan.columns.map((column) => column.name)).toEqual([
      'id',
      'accounting.balance',
      'accounting.currency',
      'name',
    ]);
    const rows = rowsOf(plan, {
      customers: { nodes: [{ id: 'c1', accounting: { balance: 3, currency: 'EUR' }, name: 'Ann' }] },
    });
    expect(rows.map((row) => cellsOf(plan, row))).toEqual([['c1', '3', 'EUR', 'Ann']]);
  });

  it('names every other field paged by a variable, which an export does not follow, and makes JSON scalars JSON cells', () => {
    const withJson = buildSchema(/* GraphQL */ `
      scalar JSON @specifiedBy(url: "http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf")
      type Query {
        customers(first: Int, after: String): Connection!
      }
      type Connection {
        nodes: [Customer!]!
      }
      type Customer {
        id: ID!
        extra: JSON
      }
    `);
    const plan = planRowsOfText(
      withJson,
      `query ($after: String, $other: String) {
        a: customers(after: $after) { nodes { id extra } }
        ...More
      }
      fragment More on Query { b: customers(after: $other) { nodes { id } } }`,
    );
    expect(plan.paging).toMatchObject({ field: 'a', afterVariable: 'after' });
    expect(plan.otherPagedFields).toEqual([{ path: 'b', variable: 'other' }]);
    expect(plan.columns).toEqual([
      { name: 'id', path: ['id'], json: false },
      { name: 'extra', path: ['extra'], json: true },
    ]);
    expect(cellsOf(plan, { id: 'c1', extra: 'plain' })).toEqual(['c1', '"plain"']);
    expect(cellsOf(plan, { id: 'c1', extra: { vip: true } })).toEqual(['c1', '{"vip":true}']);
    expect(planRowsOfText(schema, '{ customers { nodes { id } } }').otherPagedFields).toEqual([]);
    // The paged field selected twice is one field, not a second list.
    const twice = planRowsOfText(
      schema,
      'query ($after: String) { customers(first: 5, after: $after) { nodes { id } } customers(first: 5, after: $after) { totalCount } }',
    );
    expect(twice.otherPagedFields).toEqual([]);
  });

  it("cuts the document down to the list's pageInfo for reading cursors ahead, keeping only the variables that list uses", () => {
    const plan = planRowsOfText(
      schema,
      `query Everyone($after: String, $size: Int = 300, $unusedThere: String) @cached {
        all: customers(first: $size, after: $after) { nodes { ...Who name(style: $unusedThere) } }
      }
      fragment Who on Customer { id }`,
    );
    expect(plan.paging!.cursorDocument).toBe(
      'query Everyone($after: String, $size: Int = 300) @cached {\n' +
        '  all: customers(first: $size, after: $after) {\n' +
        '    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}',
    );
  });

  it('takes the rows from the first list, columns from the fields under it, nested paths dotted', () => {
    const plan = planRowsOfText(
      schema,
      `query ($after: String) { customers(first: 2, after: $after) { totalCount nodes { id who: name accounting { balance currency } phones invoices { number } } } }`,
    );
    expect(plan.listPath).toEqual(['customers', 'nodes']);
    expect(plan.columns.map((column) => column.name)).toEqual([
      'id',
      'who',
      'accounting.balance',
      'accounting.currency',
      'phones',
      'invoices',
    ]);
    expect(plan.paging).toMatchObject({ field: 'customers', afterVariable: 'after', counts: true });
    // The export needs the page's cursor: it is added when the document does not select it.
    expect(plan.paging!.document).toContain('pageInfo {\n      hasNextPage\n      endCursor\n    }');

    const data = {
      customers: {
        totalCount: 2,
        nodes: [
          {
            id: 'c1',
            who: 'Ann',
            accounting: { balance: -12.5, currency: 'USD' },
            phones: ['+1', '+2'],
            invoices: [{ number: 'I-1' }],
          },
          { id: 'c2', who: 'Bob', accounting: null, phones: [], invoices: [] },
        ],
      },
    };
    const rows = rowsOf(plan, data);
    expect(rows.map((row) => cellsOf(plan, row))).toEqual([
      // A phone starts with `+`, which a spreadsheet would read as a formula: the cell is defused.
      ['c1', 'Ann', '-12.5', 'USD', "'+1; +2", '[{"number":"I-1"}]'],
      ['c2', 'Bob', '', '', '', '[]'],
    ]);
  });

  it('reads edges as their nodes, spreads fragments, and makes an answer without a list one row', () => {
    const edges = planRowsOfText(
      schema,
      `{ customers(first: 1) { edges { node { ...C } } } } fragment C on Customer { id accounting { ... on Account { balance } } }`,
    );
    expect(edges).toMatchObject({ listPath: ['customers', 'edges'], itemKey: 'node', paging: null });
    expect(edges.columns.map((column) => column.name)).toEqual(['id', 'accounting.balance']);
    expect(
      rowsOf(edges, { customers: { edges: [{ node: { id: 'c1', accounting: { balance: 3 } } }] } }).map((row) =>
        cellsOf(edges, row),
      ),
    ).toEqual([['c1', '3']]);

    const single = planRowsOfText(schema, '{ hello count }');
    expect(single.columns.map((column) => column.name)).toEqual(['hello', 'count']);
    expect(rowsOf(single, { hello: 'hi', count: null }).map((row) => cellsOf(single, row))).toEqual([['hi', '']]);
  });

  it('defuses cells a spreadsheet would run as a formula, and leaves numbers alone', () => {
    const plan = planRowsOfText(schema, '{ customers { nodes { id name phones } } }');
    const cells = (name: string) => cellsOf(plan, { id: 'x', name, phones: [name] });
    for (const formula of ['=HYPERLINK("http://evil")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx'])
      expect(cells(formula)).toEqual(['x', `'${formula}`, `'${formula}`]);
    expect(cells('Ann = Bob')).toEqual(['x', 'Ann = Bob', 'Ann = Bob']);
  });

  it('writes RFC 4180 CSV that reads back cell for cell: quotes, commas and line breaks', () => {
    const plan = planRowsOfText(schema, '{ customers { nodes { id name } } }');
    const names = ['Smith, Ann', 'say "hi"', 'two\nlines', 'plain'];
    const csv = stringify(
      names.map((name, i) => cellsOf(plan, { id: `c${i}`, name })),
      { header: true, columns: plan.columns.map((column) => column.name) },
    );
    expect(csv).toContain('"say ""hi"""');
    expect(parseCsv(csv, { columns: true })).toEqual(names.map((name, i) => ({ id: `c${i}`, name })));
  });
});
