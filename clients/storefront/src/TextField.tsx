/** A required text input with its label around it. */
export function TextField(props: {
  label: string;
  value: string;
  onChange(value: string): void;
  autoComplete?: string;
}) {
  return (
    <label>
      {props.label}
      <input
        required
        autoComplete={props.autoComplete}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </label>
  );
}
