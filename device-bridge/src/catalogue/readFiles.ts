/**
 * Catalogue files -> rows that each know their file and line (README "Loading the catalogue"). Every problem found
 * is collected (not just the first), each naming file, line and field, so hall staff fix a spreadsheet in one pass.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { z } from 'zod';
import {
  CSV_COLUMNS, ROW_SCHEMAS, TABLES, catalogueFileSchema, cellValue, tableOfFileName,
  type CategoryRow, type DepartmentRow, type HolidayRow, type LifeEventRow, type MaterialCsvRow, type ServiceRow, type TableName, type WindowRow,
} from './format.ts';
import { CatalogueFileError, decodeUtf8, parseCsv, parseJsonWithLines, type CatalogueProblem, type JsonLines } from './sourceText.ts';

/** A row with where it came from. */
export interface Located<T> {
  file: string;
  line: number;
  /** Line of each field (JSON: its key; CSV: the row's line). */
  lineOf: (field: string) => number;
  /** How a field of this row is named in problems: `slotCapacity` (CSV) or `services[3].slotCapacity` (JSON). */
  fieldName: (field: string) => string;
  row: T;
}

export interface CatalogueInput {
  departments: Located<DepartmentRow>[];
  categories: Located<CategoryRow>[];
  services: Located<ServiceRow>[];
  materials: Located<MaterialCsvRow>[];
  windows: Located<WindowRow>[];
  holidays: Located<HolidayRow>[];
  lifeEvents: Located<LifeEventRow>[];
  /** hallId declared by JSON files, with where. */
  hallIds: Array<{ file: string; line: number; hallId: string }>;
  files: string[];
}

export function emptyInput(): CatalogueInput {
  return { departments: [], categories: [], services: [], materials: [], windows: [], holidays: [], lifeEvents: [], hallIds: [], files: [] };
}

/** Columns every row of the table must fill (the header must have them). */
const REQUIRED_COLUMNS: Record<TableName, string[]> = {
  departments: ['code', 'name'],
  categories: ['letter', 'name'],
  services: ['code', 'department', 'name', 'category', 'timeLimitDays', 'slotCapacity'],
  materials: ['service', 'name'],
  windows: ['window', 'deviceId', 'unit'],
  holidays: ['day', 'kind', 'name'],
  lifeEvents: ['code', 'name', 'services'],
};

function issuePath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : `${s ? '.' : ''}${String(p)}`;
  return s || '(row)';
}

function pushRow(input: CatalogueInput, table: TableName, located: Located<unknown>): void {
  (input[table] as Located<unknown>[]).push(located);
}

/** Validates one raw row; problems go to `problems` with the field's line. */
function takeRow(table: TableName, file: string, line: number, lineOfPath: (path: readonly PropertyKey[]) => number, raw: unknown,
  input: CatalogueInput, problems: CatalogueProblem[], shown: (field: string) => string = (f) => f): void {
  const r = (ROW_SCHEMAS[table] as z.ZodType).safeParse(raw);
  if (!r.success) {
    for (const issue of r.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const k of issue.keys) problems.push({ file, line: lineOfPath([...issue.path, k]), field: shown(issuePath([...issue.path, k])), message: `unknown field (${table} have: ${Object.keys(CSV_COLUMNS[table]).join(', ')}${table === 'services' ? ', stepLimits, materials, selfApply, fields, resultCollection, resultCertificate' : ''})` });
        continue;
      }
      const got = (issue.path.length === 1 && raw && typeof raw === 'object') ? (raw as Record<string, unknown>)[String(issue.path[0])] : undefined;
      const message = issue.code === 'invalid_type' && got === undefined ? 'is required' : issue.message;
      problems.push({ file, line: lineOfPath(issue.path), field: shown(issuePath(issue.path)), message });
    }
    return;
  }
  pushRow(input, table, { file, line, lineOf: (f) => lineOfPath([f]), fieldName: shown, row: r.data });
}

function readCsv(file: string, shownName: string, text: string, input: CatalogueInput, problems: CatalogueProblem[]): void {
  const table = tableOfFileName(basename(file));
  if (!table) {
    problems.push({ file: shownName, line: 1, field: '(file name)', message: `a CSV file holds one table named by its file name: ${TABLES.map((t) => `${t}.csv`).join(', ')} (e.g. holidays-2027.csv)` });
    return;
  }
  const records = parseCsv(shownName, text);
  if (records.length === 0) {
    problems.push({ file: shownName, line: 1, field: '(header)', message: `empty file: the first row must be the header (${Object.keys(CSV_COLUMNS[table]).join(',')})` });
    return;
  }
  const [header, ...rows] = records;
  const columns = header.cells.map((c) => c.trim());
  const known = CSV_COLUMNS[table];
  let headerOk = true;
  columns.forEach((c, i) => {
    if (!(c in known)) {
      headerOk = false;
      problems.push({ file: shownName, line: header.line, field: c || `(column ${i + 1})`, message: `unknown column for ${table} (columns: ${Object.keys(known).join(', ')})` });
    } else if (columns.indexOf(c) !== i) {
      headerOk = false;
      problems.push({ file: shownName, line: header.line, field: c, message: 'column given twice' });
    }
  });
  for (const need of REQUIRED_COLUMNS[table]) {
    if (!columns.includes(need)) {
      headerOk = false;
      problems.push({ file: shownName, line: header.line, field: need, message: `missing column (${table} need: ${REQUIRED_COLUMNS[table].join(', ')})` });
    }
  }
  if (!headerOk) return;
  for (const rec of rows) {
    if (rec.cells.length > columns.length && rec.cells.slice(columns.length).some((c) => c.trim() !== '')) {
      problems.push({ file: shownName, line: rec.line, field: '(row)', message: `has ${rec.cells.length} cells, the header ${columns.length} (a comma inside a cell needs "quotes")` });
      continue;
    }
    const raw: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      const cell = rec.cells[i] ?? '';
      if (cell.trim() === '' && CSV_COLUMNS[table][c] !== 'letters') return;
      raw[c] = cellValue(table, c, cell);
    });
    takeRow(table, shownName, rec.line, () => rec.line, raw, input, problems);
  }
}

function readJson(shownName: string, text: string, input: CatalogueInput, problems: CatalogueProblem[]): void {
  const { value, lines } = parseJsonWithLines(shownName, text);
  const top = catalogueFileSchema.safeParse(value);
  const lineOfIn = (obj: unknown, path: readonly PropertyKey[], fallback: number): number => {
    let cur: unknown = obj;
    let line = fallback;
    for (const p of path) {
      if (cur && typeof cur === 'object') {
        const own = (lines as JsonLines).propertyLine.get(cur as object)?.get(String(p));
        if (own !== undefined) line = own;
        else if (Array.isArray(cur)) {
          const el = cur[Number(p)];
          if (el && typeof el === 'object') line = lines.objectLine.get(el as object) ?? line;
        }
        cur = (cur as Record<string, unknown>)[String(p)];
      }
    }
    if (cur && typeof cur === 'object' && !Array.isArray(cur) && path.length === 0) line = lines.objectLine.get(cur as object) ?? line;
    return line;
  };
  if (!top.success) {
    let fatal = false;
    for (const issue of top.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const k of issue.keys) problems.push({ file: shownName, line: lineOfIn(value, [k], 1), field: k, message: `unknown table (a catalogue has: hallId, ${TABLES.filter((t) => t !== 'materials').join(', ')}; materials go inside their service)` });
      } else {
        fatal = true;
        problems.push({ file: shownName, line: lineOfIn(value, issue.path, 1), field: issuePath(issue.path), message: issue.message });
      }
    }
    // Unknown tables alone: the known ones are still checked, so every problem is named in one pass.
    if (fatal) return;
  }
  const doc = (top.success ? top.data : value) as z.output<typeof catalogueFileSchema>;
  if (doc.hallId !== undefined) input.hallIds.push({ file: shownName, line: lineOfIn(value, ['hallId'], 1), hallId: doc.hallId });
  for (const table of TABLES) {
    if (table === 'materials') continue;
    const list = doc[table] ?? [];
    list.forEach((raw, i) => {
      const rowLine = raw && typeof raw === 'object' ? lines.objectLine.get(raw as object) ?? 1 : lineOfIn(value, [table], 1);
      takeRow(table, shownName, rowLine, (path) => lineOfIn(raw, path, rowLine), raw, input, problems, (f) => `${table}[${i}].${f}`);
    });
  }
}

/** A catalogue document given as text (not a file), e.g. a manager's edit: `name` stands for the file in problems. */
export function readCatalogueText(name: string, text: string): { input: CatalogueInput; problems: CatalogueProblem[] } {
  const input = emptyInput();
  const problems: CatalogueProblem[] = [];
  try {
    readJson(name, text, input, problems);
  } catch (err) {
    if (err instanceof CatalogueFileError) problems.push(err.problem);
    else throw err;
  }
  return { input, problems };
}

/** Reads the files (JSON by `.json`, CSV by `.csv`); problems are collected, a file that cannot be read is one problem. */
export function readCatalogueFiles(files: readonly string[]): { input: CatalogueInput; problems: CatalogueProblem[] } {
  const input = emptyInput();
  const problems: CatalogueProblem[] = [];
  for (const file of files) {
    const shownName = file;
    input.files.push(basename(file));
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      problems.push({ file: shownName, line: 0, field: '(file)', message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    try {
      const text = decodeUtf8(shownName, bytes);
      const ext = extname(file).toLowerCase();
      if (ext === '.json') readJson(shownName, text, input, problems);
      else if (ext === '.csv') readCsv(file, shownName, text, input, problems);
      else problems.push({ file: shownName, line: 0, field: '(file)', message: 'a catalogue file is .json or .csv' });
    } catch (err) {
      if (err instanceof CatalogueFileError) problems.push(err.problem);
      else throw err;
    }
  }
  return { input, problems };
}
