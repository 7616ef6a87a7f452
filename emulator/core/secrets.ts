import { randomBytes, randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-';

function randomText(length: number): string {
  const bytes = randomBytes(length);
  let text = '';
  for (const byte of bytes) text += ALPHABET[byte % ALPHABET.length];
  return text;
}

/**
 * A client secret shaped like the ones Entra issues today: 40 characters, the fourth a digit
 * followed by `Q~` (GRAPHDOCS `application-addpassword.md` documents 16–64 characters; current
 * secrets look like `abc8Q~…`). Drawn from `node:crypto`, never from the seeded generator.
 */
export function generateSecretText(): string {
  return `${randomText(3)}${randomInt(10)}Q~${randomText(34)}`;
}

/** The `hint` Graph shows for a secret: its first three characters. */
export function secretHint(secretText: string): string {
  return secretText.slice(0, 3);
}
