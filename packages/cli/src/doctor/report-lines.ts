/** One line of `ouro doctor`'s report: a key and its value. */
export type ReportLine = readonly [key: string, value: string];

/** The key column's width: the longest key, and at least doctor's usual 18. */
export function keyWidth(lines: readonly ReportLine[]): number {
  return Math.max(18, ...lines.map(([key]) => key.length));
}

/** `key  value` lines, the values aligned in one column (`width` wide keys, so that parts printed apart align). */
export function formatReport(lines: readonly ReportLine[], width = keyWidth(lines)): string {
  return lines.map(([key, value]) => `${key.padEnd(width)} ${value}\n`).join('');
}
