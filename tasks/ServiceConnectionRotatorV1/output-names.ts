/** The output variables the task sets (declared in task.json `outputVariables`; a test checks). */
export const OUTPUT_VARIABLES = [
  'ExpiryStatus',
  'ConnectionCount',
  'ExpiringCount',
  'ExpiredCount',
  'RotatedCount',
  'FailedCount',
  'NextExpiry',
  'DaysUntilNextExpiry',
  'ReportPath',
  'MigratedCount',
  'LegacyIssuerCount',
] as const;

export type OutputVariable = (typeof OUTPUT_VARIABLES)[number];
