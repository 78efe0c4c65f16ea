/** The output formats every command takes (`--format`); see output.ts for how each looks. */
export const FORMATS = ['table', 'json', 'csv', 'ndjson'] as const;
export type Format = (typeof FORMATS)[number];
