/**
 * A markdown document's table rows as trimmed cells (escaped `\|` stays inside its cell), header included,
 * separator rows and the padding prettier adds left out. Each row starts and ends with an empty cell (the
 * outer pipes), so a table's first column is cell 1.
 */
export const markdownTableRows = (markdown: string): string[][] =>
  markdown
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[\s|:-]+\|$/.test(line))
    .map((line) => line.split(/(?<!\\)\|/).map((cell) => cell.trim()));
