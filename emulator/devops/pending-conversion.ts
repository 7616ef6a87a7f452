import type { EmulatorContext } from '../context';
import type { ServiceConnection } from '../state/model';

/**
 * Ends a scheme conversion whose time has come: `operationStatus` goes from
 * `InProgress`/`converting_scheme` to `Ready`, or to `Failed`/`converting_scheme_failed`
 * (azure-apis.md §1.9, DECOMP `UpgradeAuthenticationScheme`). Every route that reads or writes
 * a connection calls this first, so a client polling GET sees the change.
 */
export function settlePending(ctx: EmulatorContext, connection: ServiceConnection): void {
  const pending = connection.pending;
  if (!pending || ctx.clock.nowMs() < pending.dueMs) return;
  connection.pending = null;
  const nowMs = ctx.clock.nowMs();
  connection.modificationDate = new Date(nowMs);
  if (pending.apply) {
    pending.apply(nowMs);
    connection.isReady = true;
    connection.operationStatus = { state: 'Ready', statusMessage: '' };
  } else {
    connection.isReady = false;
    connection.operationStatus = { state: 'Failed', statusMessage: pending.failure };
  }
}
