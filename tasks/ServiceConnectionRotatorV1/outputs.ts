/** Output variables from the run report (spec §3). */
import { type RunReport, reportTotals } from '../../lib';
import type { OutputVariable } from './output-names';

/** Every output variable's value, as text. */
export function outputValues(
  report: RunReport,
  reportPath: string,
  now: number,
): Record<OutputVariable, string> {
  const totals = reportTotals(report, now);
  return {
    ExpiryStatus: totals.expiryStatus,
    ConnectionCount: String(totals.connections),
    ExpiringCount: String(totals.expiring),
    ExpiredCount: String(totals.expired),
    RotatedCount: String(totals.rotated),
    FailedCount: String(totals.failed),
    NextExpiry: totals.nextExpiry ?? '',
    DaysUntilNextExpiry: totals.daysUntilNextExpiry === null ? '' : String(totals.daysUntilNextExpiry),
    ReportPath: reportPath,
    MigratedCount: String(totals.migrated),
    LegacyIssuerCount: String(totals.legacyIssuer),
  };
}
