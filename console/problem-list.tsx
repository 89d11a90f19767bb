import type { DocumentProblem } from './api';

/** A document's problems, each with its place: "Line 7, column 9: Cannot query field …". */
export function ProblemList(props: { problems: readonly DocumentProblem[]; className?: string }) {
  return (
    <ul className={props.className}>
      {props.problems.map((problem, index) => (
        <li key={index}>
          {problem.locations.map((where) => `Line ${where.line}, column ${where.column}: `).join('')}
          {problem.message}
        </li>
      ))}
    </ul>
  );
}
