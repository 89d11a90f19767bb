// Every GraphQL document the benchmark sends, in one place, so a change to the graph is a change here.
import { Kind, parse, visit } from 'graphql';
import { SCREEN_POP_QUERY } from '../connectors';

/** Scenarios 1 and 2: the call-centre screen pop, exactly as the query page opens with it. */
export { SCREEN_POP_QUERY };

/** Scenario 3: a page of 100 customers with every department (as the README shows it). */
export const PAGE_QUERY = /* GraphQL */ `
  query Page($after: String) {
    customers(first: 100, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        name
        accounting {
          balance
        }
        sales {
          lifetimeValue
        }
        credit {
          riskBand
        }
        support {
          openTickets
        }
      }
    }
  }
`;

/**
 * Scenario 4: the cross-department filter, answered from the customer-360 snapshot in the
 * repository. The benchmark runs it only when introspection shows `customers(filter:)`.
 */
export const FILTER_QUERY = /* GraphQL */ `
  query Filter($overdueAbove: Float!) {
    customers(
      filter: { accounting: { overdueAmount: { gt: $overdueAbove } }, support: { openTickets: { gte: 2 } } }
      orderBy: { field: ACCOUNTING_OVERDUE_AMOUNT, direction: DESC }
      first: 50
    ) {
      nodes {
        id
        name
        accounting {
          overdueAmount
        }
        support {
          openTickets
        }
      }
    }
  }
`;

/** The ceiling: the cheapest operation the same Apollo Server setup can answer. */
export const TRIVIAL_QUERY = /* GraphQL */ `
  {
    __typename
  }
`;

/** Reads the identity map a page at a time: who the customers are, their phones and their keys. */
export const DIRECTORY_QUERY = /* GraphQL */ `
  query Directory($after: String) {
    customers(first: 100, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        phones
        links {
          system
          key
        }
      }
    }
  }
`;

/** The root fields and their arguments, to see which scenarios the hub can answer yet. */
export const ROOT_FIELDS_QUERY = /* GraphQL */ `
  {
    __type(name: "Query") {
      fields {
        name
        args {
          name
        }
      }
    }
  }
`;

/** A JSON request body for a document and its variables. */
export function requestBody(query: string, variables?: Record<string, unknown>): string {
  return JSON.stringify(variables ? { query, variables } : { query });
}

/**
 * The connectors a document selects a field of: a department is touched when its field (the
 * connector's name) appears anywhere in the selection. Counted from the document, so the
 * benchmark never hard-codes a department list per scenario.
 */
export function connectorsSelected(document: string, connectorNames: readonly string[]): string[] {
  const wanted = new Set(connectorNames);
  const found = new Set<string>();
  visit(parse(document), {
    [Kind.FIELD](node) {
      if (wanted.has(node.name.value) && node.selectionSet) found.add(node.name.value);
    },
  });
  return connectorNames.filter((name) => found.has(name));
}
