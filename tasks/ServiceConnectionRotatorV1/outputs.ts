/** Output variables from the run report (spec §3). */
import { MS_PER_DAY } from '../../lib/clock';
import { worstStatus } from '../../lib/inventory/expiry';
import type { OutputVariable } from './output-names';
import { type RunReport, soonestExpiry } from './run-report';

/** Every output variable's value, as text. */
export function outputValues(
  report: RunReport,
  reportPath: string,
  now: number,
): Record<OutputVariable, string> {
  const rows = report.connections;
  const soonest = soonestExpiry(rows);
  const days = soonest ? Math.floor((Date.parse(soonest.expiresAt!) - now) / MS_PER_DAY) : null;
  return {
    ExpiryStatus: worstStatus(rows.map((r) => r.status)),
    ConnectionCount: String(rows.length),
    ExpiringCount: String(rows.filter((r) => r.status === 'warning' || r.status === 'critical').length),
    ExpiredCount: String(rows.filter((r) => r.status === 'expired').length),
    RotatedCount: String(rows.filter((r) => r.action === 'rotated').length),
    FailedCount: String(rows.filter((r) => r.failed).length),
    NextExpiry: soonest ? new Date(Date.parse(soonest.expiresAt!)).toISOString() : '',
    DaysUntilNextExpiry: days === null ? '' : String(days),
    ReportPath: reportPath,
  };
}
