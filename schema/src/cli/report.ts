import type { CheckResult } from '../checks/result.ts';

/** `check | status | summary`, one row a check, columns padded to line up in a terminal or CI log. */
export function renderTable(results: readonly CheckResult[]): string {
  const rows = [
    ['check', 'status', 'summary'],
    ...results.map((result) => [result.name, result.status, result.summary]),
  ];
  const width = (column: number) => Math.max(...rows.map((row) => row[column]!.length));
  const [nameWidth, statusWidth] = [width(0), width(1)];
  const line = (row: string[]) => `${row[0]!.padEnd(nameWidth)} | ${row[1]!.padEnd(statusWidth)} | ${row[2]}`;
  const [header, ...body] = rows;
  return [
    line(header!),
    `${'-'.repeat(nameWidth)}-+-${'-'.repeat(statusWidth)}-+-${'-'.repeat(7)}`,
    ...body.map(line),
  ].join('\n');
}

/** The details and warnings of the checks that failed or warned; passing checks' details stay in --json. */
export function renderDetails(results: readonly CheckResult[]): string {
  const sections = results
    .filter((result) => result.status === 'fail' || result.warnings.length > 0)
    .map((result) => {
      const lines = [`${result.name}: ${result.status} - ${result.summary}`];
      if (result.status === 'fail') lines.push(...result.details.map((detail) => bullet('-', detail)));
      lines.push(...result.warnings.map((warning) => bullet('warning:', warning)));
      return lines.join('\n');
    });
  return sections.join('\n\n');
}

export function renderJson(results: readonly CheckResult[]): string {
  return JSON.stringify(
    { ok: results.every((result) => result.status === 'pass'), checks: results },
    null,
    2,
  );
}

/** A multi-line finding (composition errors point at several lines) stays indented under its bullet. */
function bullet(mark: string, text: string): string {
  return `  ${mark} ${text.split('\n').join('\n    ')}`;
}
