/** Emails are stored trimmed and lower-cased, so uniqueness and sign-in ignore case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
