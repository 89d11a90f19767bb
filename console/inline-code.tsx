/** A description with `backticks` shown as code, the way the hub's own descriptions are written. */
export function WithInlineCode(props: { text: string }) {
  return <>{props.text.split('`').map((part, index) => (index % 2 === 1 ? <code key={index}>{part}</code> : part))}</>;
}
