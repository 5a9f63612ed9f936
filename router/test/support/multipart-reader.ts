/** What one multipart/mixed response (deferSpec=20220824) answered, read part by part. */
export interface MultipartReader {
  status: number;
  contentType: string | null;
  /** The next JSON part, once it has arrived; undefined after the closing boundary. */
  next(): Promise<Record<string, unknown> | undefined>;
}

const DELIMITER = '\r\n--graphql';

/** POSTs an operation accepting multipart/mixed, as Apollo Client does, and reads the parts as they come. */
export async function postForParts(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<MultipartReader> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'multipart/mixed;deferSpec=20220824,application/json',
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let closed = false;
  const next = async (): Promise<Record<string, unknown> | undefined> => {
    for (;;) {
      if (closed) return undefined;
      // A part is complete once the delimiter after it has arrived.
      const start = buffered.indexOf(DELIMITER);
      const end = start === -1 ? -1 : buffered.indexOf(DELIMITER, start + DELIMITER.length);
      if (start !== -1 && buffered.startsWith('--', start + DELIMITER.length)) {
        closed = true;
        return undefined;
      }
      if (end !== -1) {
        const part = buffered.slice(start + DELIMITER.length, end);
        buffered = buffered.slice(end);
        const body = part.slice(part.indexOf('\r\n\r\n') + 4);
        return JSON.parse(body) as Record<string, unknown>;
      }
      const { value, done } = await reader.read();
      if (done) {
        closed = true;
        return undefined;
      }
      buffered += decoder.decode(value, { stream: true });
    }
  };
  return { status: response.status, contentType: response.headers.get('content-type'), next };
}

/** Every part until the closing boundary. */
export async function remainingParts(reader: MultipartReader): Promise<Record<string, unknown>[]> {
  const parts: Record<string, unknown>[] = [];
  for (let part = await reader.next(); part; part = await reader.next()) parts.push(part);
  return parts;
}

/** The initial data with every incremental result merged in at its path, as Apollo Client merges them. */
export function mergedParts(parts: Record<string, unknown>[]): unknown {
  const data = structuredClone(parts[0]!.data) as Record<string, unknown>;
  for (const part of parts.slice(1)) {
    for (const result of (part.incremental ?? []) as {
      data: unknown;
      path: (string | number)[];
    }[]) {
      let target: unknown = data;
      for (const step of result.path) target = (target as Record<string, unknown>)[step];
      deepMerge(target as Record<string, unknown>, result.data as Record<string, unknown>);
    }
  }
  return data;
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown> | null): void {
  for (const [key, value] of Object.entries(source ?? {})) {
    const existing = target[key];
    if (Array.isArray(existing) && Array.isArray(value)) {
      value.forEach((item, index) => {
        if (typeof existing[index] === 'object' && existing[index] && typeof item === 'object')
          deepMerge(existing[index] as Record<string, unknown>, item as Record<string, unknown>);
        else existing[index] = item;
      });
    } else if (existing && typeof existing === 'object' && value && typeof value === 'object') {
      deepMerge(existing as Record<string, unknown>, value as Record<string, unknown>);
    } else {
      target[key] = value;
    }
  }
}
