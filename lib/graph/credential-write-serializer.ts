/**
 * One credential write in flight per application object (spec §5.4; issue #14).
 *
 * Graph answers writes on one application that arrive close together with its "concurrent
 * requests" refusal (federation-and-certificates.md §6: nais/azurerator#448 saw it on
 * `addPassword` right after a `keyCredentials` write on the same app, and Microsoft advised
 * delays). Apps are shared by several connections, so a run rotating two connections of one app,
 * or retiring one's old secret while minting the other's, would provoke it. Every Graph write that
 * changes an application's credentials (`addPassword`, `removePassword`, the `keyCredentials`
 * PATCH, federated identity credential create and delete) goes through {@link run} with the
 * application's object id: writes on one app wait for each other in arrival order, writes on
 * different apps do not wait at all. A write holds its turn through its own retries (waiting out a
 * refusal's `Retry-After` must not let the next write on the same app in), but never while the
 * caller waits for anything else (propagation, TestConnection): turns are per request.
 *
 * Share one serialiser between every client that writes to the same tenant (object ids are GUIDs,
 * unique across tenants, so one per run is enough).
 */

/** Serialises credential writes per application object id. */
export class CredentialWriteSerializer {
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Runs `write` once every write queued before it on `appObjectId` has settled; resolves or
   * rejects as `write` does. A failed write does not block the ones behind it.
   */
  run<T>(appObjectId: string, write: () => Promise<T>): Promise<T> {
    const key = appObjectId.toLowerCase();
    const previous = this.tails.get(key) ?? Promise.resolve();
    const turn = previous.then(write);
    const tail = turn.then(
      () => {},
      () => {},
    );
    this.tails.set(key, tail);
    // Forget an app once its queue drains, so a long run keeps no entry per app it touched.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return turn;
  }

  /** Applications with a write in flight or queued (for diagnostics and tests). */
  get busy(): number {
    return this.tails.size;
  }
}
