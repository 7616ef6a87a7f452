/**
 * Watches the emulator while task runs happen, from the service side: which app password each
 * connection stores after every PUT, which passwords were ever installed on a connection and when
 * they were superseded, and, at the moment every `removePassword` took effect, whether it revoked
 * a password some connection stored then (spec §5.1 step 6, §5.2: never). Uses the emulator's raw
 * state (secret texts are compared, never printed).
 */
import type { Emulator, LoggedRequest } from '../../../emulator';
import { parseMarker } from '../../../lib/rotation/marker';

const ENDPOINT_IN_PATH = /\/endpoints\/([0-9a-fA-F-]{36})/;
const APP_IN_PATH = /\/applications\/([0-9a-fA-F-]{36})\/removePassword/;

/** A password's life on one connection, as the service saw it. */
export interface Installation {
  keyId: string;
  /** Emulator time it was superseded by another install; null while in use. */
  supersededMs: number | null;
}

export class CredentialWitness {
  /** connection id → keyId of the app password its stored secret matches (null: none). */
  private readonly stored = new Map<string, string | null>();
  /** connection id → passwords ever installed on it (seeded history included). */
  private readonly history = new Map<string, Map<string, Installation>>();
  /** app id → keyIds of passwords this product did not mint, present at the start. */
  readonly foreign = new Map<string, Set<string>>();
  readonly violations: string[] = [];
  /** Connections whose stored secret matched an unexpired password of their app when watching began. */
  readonly initiallyStoring: string[] = [];
  removals = 0;
  private readonly unsubscribe: () => void;

  /**
   * @param seeded superseded installs from before the emulator started, per connection id
   *   (`supersededMs` in emulator time).
   */
  constructor(
    private readonly emulator: Emulator,
    seeded: Readonly<Record<string, ReadonlyArray<{ keyId: string; supersededMs: number }>>> = {},
  ) {
    for (const connection of emulator.state.store.connections.values()) {
      const keyId = this.matched(connection.id);
      this.stored.set(connection.id, keyId);
      const app = emulator.state.application(connection.parameters.serviceprincipalid ?? '');
      const password = app?.passwordCredentials.find((p) => p.keyId.toLowerCase() === keyId);
      if (password && password.endDateTime.getTime() > emulator.clock.nowMs())
        this.initiallyStoring.push(connection.id);
      const installs = new Map<string, Installation>();
      for (const s of seeded[connection.id] ?? [])
        installs.set(s.keyId, { keyId: s.keyId, supersededMs: s.supersededMs });
      if (keyId) installs.set(keyId, { keyId, supersededMs: null });
      this.history.set(connection.id, installs);
    }
    for (const app of emulator.state.store.applications.values()) {
      this.foreign.set(
        app.appId,
        new Set(
          app.passwordCredentials.filter((p) => parseMarker(p.displayName) === null).map((p) => p.keyId),
        ),
      );
    }
    this.unsubscribe = emulator.onRequest((entry) => this.observe(entry));
  }

  /** Stops watching. */
  stop(): void {
    this.unsubscribe();
  }

  /** keyId of the password connection `id` stores now, or null. */
  storedKeyId(id: string): string | null {
    return this.matched(id);
  }

  /** Passwords ever installed on connection `id`. */
  installations(id: string): Installation[] {
    return [...(this.history.get(id)?.values() ?? [])];
  }

  private observe(entry: LoggedRequest): void {
    if (entry.operation === 'devops.endpoints.update') {
      const id = ENDPOINT_IN_PATH.exec(entry.path)?.[1];
      if (id) this.refresh(id.toLowerCase());
    } else if (entry.operation === 'graph.applications.removePassword') {
      const objectId = APP_IN_PATH.exec(entry.path)?.[1];
      const app = objectId ? this.emulator.state.application(objectId) : undefined;
      if (!app) return;
      if (entry.status === 204) this.removals += 1;
      for (const connection of this.emulator.state.store.connections.values()) {
        if ((connection.parameters.serviceprincipalid ?? '').toLowerCase() !== app.appId.toLowerCase())
          continue;
        const before = this.stored.get(connection.id) ?? null;
        const now = this.matched(connection.id);
        if (before && !now) {
          this.violations.push(
            `request ${entry.seq} removed password ${before}, which connection "${connection.name}" stored at that moment`,
          );
        }
        this.stored.set(connection.id, now);
      }
    }
  }

  private refresh(id: string): void {
    const connection = this.emulator.state.connection(id);
    if (!connection) return;
    const before = this.stored.get(connection.id) ?? null;
    const now = this.matched(connection.id);
    this.stored.set(connection.id, now);
    if (now === before) return;
    const installs = this.history.get(connection.id) ?? new Map<string, Installation>();
    if (before) {
      const previous = installs.get(before);
      if (previous) previous.supersededMs = this.emulator.clock.nowMs();
    }
    if (now) installs.set(now, { keyId: now, supersededMs: null });
    this.history.set(connection.id, installs);
  }

  private matched(id: string): string | null {
    const connection = this.emulator.state.connection(id);
    const stored = connection?.confidential.get('serviceprincipalkey');
    if (!connection || stored?.kind !== 'literal') return null;
    const app = this.emulator.state.application(connection.parameters.serviceprincipalid ?? '');
    return app?.passwordCredentials.find((p) => p.secretText === stored.value)?.keyId.toLowerCase() ?? null;
  }
}
