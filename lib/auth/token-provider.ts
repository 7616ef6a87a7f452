/**
 * The port through which adapters get bearer tokens. Implementations: msal-node for the rotator's
 * identity ({@link ./msal-token-provider}), a fixed token (the pipeline job token), and fakes in
 * tests.
 */

/** Hands out access tokens for a scope such as `https://graph.microsoft.com/.default`. */
export interface TokenProvider {
  /** A token valid for a while yet; cached by implementations until shortly before it expires. */
  getToken(scope: string, signal?: AbortSignal): Promise<string>;
}

/**
 * A provider that always answers with the same token, whatever the scope: the pipeline's job
 * token (`System.AccessToken`) or a token obtained elsewhere. It is never refreshed.
 */
export function staticTokenProvider(token: string): TokenProvider {
  return { getToken: async () => token };
}
