import { parse, print } from 'graphql';

/** A department as the screen pop shows it: its `Customer` field and what to read of it. */
export interface ScreenPopDepartment {
  readonly name: string;
  /** A selection set on the department's graph type, e.g. `{ balance invoices(last: 5) { number } }`. */
  readonly exampleSelection?: string;
}

/**
 * The call-centre screen pop over the departments installed: who is calling, with each
 * department's example selection (a department without one shows its freshness). The query
 * page opens on it, so it is valid for exactly the connectors this hub runs.
 */
export function screenPopQuery(departments: readonly ScreenPopDepartment[]): string {
  const fields = departments
    .map((department) => `${department.name} ${department.exampleSelection ?? '{ freshness { fetchedAt stale } }'}`)
    .join('\n');
  const document = print(
    parse(`query ScreenPop($phone: String!) { customerByPhone(phone: $phone) { id name ${fields} } }`),
  );
  return `# The call-centre screen pop: who is calling, with every department's view.\n${document}\n`;
}
