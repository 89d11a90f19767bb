import { hasHubCode } from '../schema/errors';
import type { Principal } from '../schema/principal';
import type { SavedQueries, SaveRequest } from '../schema/saved-query';
import type { SavedQueryRepository } from '../store/saved-queries.repository';

/** Who the shipped saved queries belong to: only an admin may save over them. */
export const SHIPPED_BY: Principal = {
  kind: 'demo',
  id: 'switchboard',
  name: 'Switchboard (shipped)',
  roles: new Set(['admin']),
};

/**
 * Saved queries every hub starts with, one or more per department. Each is a page of the
 * `customers` list with `$first` and `$after`, so an export runs it across every page.
 */
export const SHIPPED_QUERIES: readonly SaveRequest[] = [
  {
    name: 'collections-call-list',
    description:
      'Collections call list: customers with an overdue balance (above `minOverdue`) and support tickets still open, ' +
      'at least `minUrgent` of them urgent (set it to 1 for urgent ones only), most overdue first.',
    tags: ['accounting', 'support', 'collections'],
    document: /* GraphQL */ `
      query CollectionsCallList($minOverdue: Float = 0, $minUrgent: Int = 0, $first: Int = 100, $after: String) {
        customers(
          first: $first
          after: $after
          filter: {
            accounting: { overdueAmount: { gt: $minOverdue } }
            support: { openTickets: { gt: 0 }, urgentOpenTickets: { gte: $minUrgent } }
          }
          orderBy: { field: ACCOUNTING_OVERDUE_AMOUNT, direction: DESC }
        ) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            id
            name
            phones
            accounting {
              accountNumber
              overdueAmount
              balance
              currency
            }
            support {
              openTickets
              lastCallAt
            }
          }
        }
      }
    `,
  },
  {
    name: 'upsell-list',
    description:
      'Upsell list: the best customers by lifetime value who still have unused credit (at least `minAvailable`).',
    tags: ['sales', 'credit', 'upsell'],
    document: /* GraphQL */ `
      query UpsellList($minAvailable: Float = 1000, $first: Int = 100, $after: String) {
        customers(
          first: $first
          after: $after
          filter: { credit: { available: { gte: $minAvailable } } }
          orderBy: { field: SALES_LIFETIME_VALUE, direction: DESC }
        ) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            id
            name
            emails
            sales {
              lifetimeValue
              openOpportunities
              currency
            }
            credit {
              available
              limit
              riskBand
            }
          }
        }
      }
    `,
  },
  {
    name: 'risk-above-volume',
    description:
      'Customers whose risk band is worse than their order volume suggests: a poor band (D or E by default) ' +
      'with many orders, worth a credit review.',
    tags: ['credit', 'sales', 'risk'],
    document: /* GraphQL */ `
      query RiskAboveVolume($bands: [String!] = ["D", "E"], $minOrders: Int = 10, $first: Int = 100, $after: String) {
        customers(
          first: $first
          after: $after
          filter: { credit: { riskBand: { in: $bands } }, sales: { orderCount: { gte: $minOrders } } }
          orderBy: { field: SALES_ORDER_COUNT, direction: DESC }
        ) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            id
            name
            credit {
              riskBand
              score
              limit
            }
            sales {
              lifetimeValue
              lastOrderAt
            }
          }
        }
      }
    `,
  },
  {
    name: 'win-back-list',
    description:
      'Win-back list: customers whose last order is older than `lastOrderBefore` (for example 180 days ago), ' +
      'highest lifetime value first.',
    tags: ['sales', 'win-back'],
    document: /* GraphQL */ `
      query WinBackList($lastOrderBefore: DateTimeISO!, $first: Int = 100, $after: String) {
        customers(
          first: $first
          after: $after
          filter: { sales: { lastOrderAt: { lt: $lastOrderBefore } } }
          orderBy: { field: SALES_LIFETIME_VALUE, direction: DESC }
        ) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            id
            name
            emails
            phones
            sales {
              lastOrderAt
              lifetimeValue
              currency
            }
          }
        }
      }
    `,
  },
];

/**
 * Stores each shipped query this store has never had, as version 1 owned by Switchboard. One that
 * does not validate against this hub's graph (its connectors are not all installed) is skipped
 * and tried again at the next start; one already shipped is left alone, edited or deleted.
 */
export async function shipSavedQueries(
  savedQueries: SavedQueries,
  repository: SavedQueryRepository,
  warn: (message: string) => void,
): Promise<void> {
  const shipped = await repository.shippedNames();
  for (const query of SHIPPED_QUERIES) {
    if (shipped.has(query.name)) continue;
    try {
      if (!(await savedQueries.find(query.name))) await savedQueries.save(query, SHIPPED_BY);
    } catch (error) {
      if (!hasHubCode(error)) throw error;
      warn(`The shipped saved query "${query.name}" was not stored: ${error.message}`);
      continue;
    }
    await repository.markShipped(query.name);
  }
}
