/**
 * Reading catalogue files as hall staff make them (README "Loading the catalogue"): UTF-8 only (a byte Excel wrote
 * in GBK is refused with the line and how to save as UTF-8, never guessed at: a wrong guess would store 乱码 in the
 * hall's guidance), a BOM is allowed (Excel's "CSV UTF-8" writes one); CSV per RFC 4180 (quoted fields may hold
 * commas, quotes and line breaks) and JSON, each value with the line it starts on so every problem names its line.
 */

/** A problem with a place: `services.csv:12: timeLimitDays: must be ...`. */
export interface CatalogueProblem {
  file: string;
  line: number;
  field: string;
  message: string;
}

export function problemText(p: CatalogueProblem): string {
  return `${p.file}:${p.line}: ${p.field}: ${p.message}`;
}

export class CatalogueFileError extends Error {
  constructor(readonly problem: CatalogueProblem) {
    super(problemText(problem));
    this.name = 'CatalogueFileError';
  }
}

const BOM = [0xef, 0xbb, 0xbf];

/** True when the bytes decode cleanly as GBK/GB18030 double-byte text (lead 0x81-0xFE, trail 0x40-0xFE except 0x7F). */
function looksLikeGbk(bytes: Uint8Array): boolean {
  let pairs = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b < 0x80) continue;
    const t = bytes[i + 1];
    if (b < 0x81 || b > 0xfe || t === undefined || t < 0x40 || t > 0xfe || t === 0x7f) return false;
    pairs++;
    i++;
  }
  return pairs > 0;
}

/**
 * The text of a UTF-8 file, BOM removed. Anything else is refused at the line of the first bad byte; bytes that
 * read as GBK (what Excel in China writes for "CSV (逗号分隔)") get the words to save it as UTF-8.
 */
export function decodeUtf8(file: string, bytes: Uint8Array): string {
  const start = bytes.length >= 3 && BOM.every((b, i) => bytes[i] === b) ? 3 : 0;
  const body = bytes.subarray(start);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    // Find the first byte sequence that is not UTF-8, for its line.
    let bad = 0;
    for (let i = 0; i < body.length; ) {
      const b = body[i];
      const n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
      let ok = n > 0 && i + n <= body.length;
      for (let k = 1; ok && k < n; k++) ok = (body[i + k] & 0xc0) === 0x80;
      if (ok && n > 1) {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(i, i + n));
        } catch {
          ok = false;
        }
      }
      if (!ok) {
        bad = i;
        break;
      }
      i += n;
    }
    let line = 1;
    for (let i = 0; i < bad; i++) if (body[i] === 0x0a) line++;
    const message = looksLikeGbk(body)
      ? 'the file is not UTF-8: it looks like GBK (Excel\'s "CSV (逗号分隔)"). Save it again as "CSV UTF-8 (逗号分隔)" (Excel: 另存为 > CSV UTF-8), or in WPS/LibreOffice choose the UTF-8 encoding'
      : 'the file is not valid UTF-8 here (a broken or truncated character); save it again as UTF-8';
    throw new CatalogueFileError({ file, line, field: '(encoding)', message });
  }
}

/** One CSV record: its cells and the line it starts on. */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/** RFC 4180 CSV: `,` separated, `"` quoted (`""` inside), CRLF or LF; blank lines skipped. */
export function parseCsv(file: string, text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let quoteLine = 0;
  let wasQuoted = false;
  const endRecord = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0].trim() === '' && !wasQuoted)) out.push({ line: recordLine, cells });
    cells = [];
    cell = '';
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '"' && cell.trim() === '') {
      quoted = true;
      wasQuoted = true;
      quoteLine = line;
      cell = '';
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      continue;
    } else if (c === '\n' || c === '\r') {
      endRecord();
      line++;
      recordLine = line;
    } else {
      cell += c;
    }
  }
  if (quoted) throw new CatalogueFileError({ file, line: quoteLine, field: '(csv)', message: 'a quoted cell is never closed (a " is missing)' });
  if (cell !== '' || cells.length > 0) endRecord();
  return out;
}

/** Where each parsed JSON object and each of its properties starts (1-based lines). */
export interface JsonLines {
  objectLine: WeakMap<object, number>;
  propertyLine: WeakMap<object, Map<string, number>>;
}

/** JSON.parse with the lines of objects and properties; a syntax error names its line. */
export function parseJsonWithLines(file: string, text: string): { value: unknown; lines: JsonLines } {
  const lines: JsonLines = { objectLine: new WeakMap(), propertyLine: new WeakMap() };
  let i = 0;
  let line = 1;
  const fail = (message: string): never => {
    throw new CatalogueFileError({ file, line, field: '(json)', message });
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) {
      if (text[i] === '\n') line++;
      i++;
    }
  };
  const str = (): string => {
    const from = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text[i] === '\n') fail('a line break inside a string');
      i++;
    }
    if (i >= text.length) fail('a string is never closed');
    i++;
    try {
      return JSON.parse(text.slice(from, i)) as string;
    } catch {
      return fail('a string with a bad escape');
    }
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      const obj: Record<string, unknown> = {};
      const props = new Map<string, number>();
      lines.objectLine.set(obj, line);
      lines.propertyLine.set(obj, props);
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a "name" in an object');
        const keyLine = line;
        const key = str();
        ws();
        if (text[i] !== ':') fail(`expected : after "${key}"`);
        i++;
        if (props.has(key)) fail(`"${key}" is given twice in one object`);
        props.set(key, keyLine);
        obj[key] = value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail('expected , or } in an object');
      }
    }
    if (c === '[') {
      const arr: unknown[] = [];
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail('expected , or ] in a list');
      }
    }
    if (c === '"') return str();
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 40));
    if (!m) return fail(i >= text.length ? 'the file ends too early' : `unexpected "${text[i]}"`);
    i += m[0].length;
    return JSON.parse(m[0]) as unknown;
  };
  const v = value();
  ws();
  if (i < text.length) fail('more text after the end of the JSON value');
  return { value: v, lines };
}
