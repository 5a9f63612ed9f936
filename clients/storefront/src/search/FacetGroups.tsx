/** One choice in a facet group; the count is absent where the API gives none. */
export interface FacetOption<T> {
  key: string;
  value: T;
  label: string;
  count?: number;
}

function OptionLabel({ option }: { option: FacetOption<unknown> }) {
  return (
    <span>
      {option.label}
      {option.count !== undefined && <span className="facet-count"> ({option.count})</span>}
    </span>
  );
}

/** A group where any number of options can hold at once, such as categories. */
export function CheckboxFacet<T>(props: {
  legend: string;
  options: FacetOption<T>[];
  chosen: ReadonlySet<string>;
  onToggle(value: T): void;
}) {
  return (
    <fieldset className="facet-group">
      <legend>{props.legend}</legend>
      {props.options.map((option) => (
        <label className="choice" key={option.key}>
          <input
            type="checkbox"
            checked={props.chosen.has(option.key)}
            onChange={() => props.onToggle(option.value)}
          />
          <OptionLabel option={option} />
        </label>
      ))}
    </fieldset>
  );
}

/** A group where one option holds at a time, with "Any" first for no choice. */
export function RadioFacet<T>(props: {
  legend: string;
  /** The radios' shared name, unique on the page, so the browser groups them. */
  name: string;
  anyLabel: string;
  options: FacetOption<T>[];
  chosen: string | null;
  onChoose(value: T | null): void;
}) {
  return (
    <fieldset className="facet-group">
      <legend>{props.legend}</legend>
      <label className="choice">
        <input
          type="radio"
          name={props.name}
          checked={props.chosen === null}
          onChange={() => props.onChoose(null)}
        />
        <span>{props.anyLabel}</span>
      </label>
      {props.options.map((option) => (
        <label className="choice" key={option.key}>
          <input
            type="radio"
            name={props.name}
            checked={props.chosen === option.key}
            onChange={() => props.onChoose(option.value)}
          />
          <OptionLabel option={option} />
        </label>
      ))}
    </fieldset>
  );
}
