const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe inside HTML: product names and store names are not markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/** The HTML part of every e-mail: one layout, the store's name as its heading. */
export function htmlDocument(storeName: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family: sans-serif; color: #222; max-width: 40em">
<h1 style="font-size: 1.2em">${escapeHtml(storeName)}</h1>
<h2 style="font-size: 1.1em">${escapeHtml(title)}</h2>
${body}
<p style="color: #666; font-size: 0.9em">${escapeHtml(storeName)}</p>
</body></html>
`;
}
