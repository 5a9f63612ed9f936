export interface AppliedFilter {
  key: string;
  label: string;
  remove(): void;
}

/** The filters in force as chips, each removable, and one button to drop them all. */
export function AppliedFilters({
  filters,
  onClear,
}: {
  filters: AppliedFilter[];
  onClear(): void;
}) {
  if (filters.length === 0) return null;
  return (
    <div className="applied-filters">
      <ul aria-label="Applied filters">
        {filters.map((filter) => (
          <li key={filter.key}>
            <button
              type="button"
              className="chip"
              aria-label={`Remove ${filter.label}`}
              onClick={filter.remove}
            >
              {filter.label}
              <span aria-hidden="true"> ×</span>
            </button>
          </li>
        ))}
      </ul>
      <button type="button" onClick={onClear}>
        Clear filters
      </button>
    </div>
  );
}
