/**
 * The config reference (docs/config-reference.md), generated from the zod schemas so it cannot drift from what the
 * bridge accepts: every field's meaning and unit come from its `.meta()`, type, limits and default from the schema
 * itself (`z.toJSONSchema`, input side: what a technician writes). `npm run config:docs` writes the file; a test
 * fails when the committed file differs or a field has no description.
 */
import { z } from 'zod';
import { counterBusOptionsSchema } from '../devices/counterBus/options.ts';
import { idReaderOptionsSchema } from '../devices/idReader/options.ts';
import { printerOptionsSchema } from '../devices/printer/printerOptions.ts';
import { qrScannerOptionsSchema } from '../devices/qrScanner/options.ts';
import { bridgeConfigSchema } from './schema.ts';

type Json = { [k: string]: unknown };

export interface FieldDoc {
  path: string;
  type: string;
  required: boolean;
  default?: unknown;
  unit?: string;
  description?: string;
  limits: string;
}

function jsonSchemaOf(schema: z.ZodType): Json {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
}

function typeOf(s: Json): string {
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(s.anyOf)) return (s.anyOf as Json[]).map(typeOf).join(' or ');
  if (s.type === 'array') return `array of ${typeOf((s.items as Json) ?? {})}`;
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object' && !s.properties) {
    return `object of ${typeOf(s.additionalProperties as Json) || 'any'}`;
  }
  return typeof s.type === 'string' ? s.type : 'any';
}

const BIG = 9_007_199_254_740_991;

function limitsOf(s: Json): string {
  const out: string[] = [];
  const num = (k: string) => (typeof s[k] === 'number' && Math.abs(s[k] as number) < BIG ? (s[k] as number) : undefined);
  const lo = num('minimum') ?? num('exclusiveMinimum');
  const hi = num('maximum');
  if (lo !== undefined || hi !== undefined) {
    const loText = lo === undefined ? '' : s.exclusiveMinimum !== undefined ? `> ${lo}` : `>= ${lo}`;
    out.push(lo !== undefined && hi !== undefined && s.exclusiveMinimum === undefined ? `${lo}-${hi}` : [loText, hi !== undefined ? `<= ${hi}` : ''].filter(Boolean).join(', '));
  }
  if (typeof s.minLength === 'number' && s.minLength > 1) out.push(`at least ${s.minLength} characters`);
  if (typeof s.maxLength === 'number') out.push(`at most ${s.maxLength} characters`);
  if (typeof s.minItems === 'number' && s.minItems > 0) out.push(`at least ${s.minItems}`);
  return out.join('; ');
}

/** Every field of an object schema (nested objects and arrays of objects flattened: `devices[].id`). */
export function fieldsOf(schema: Json, prefix = ''): FieldDoc[] {
  const props = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const out: FieldDoc[] = [];
  for (const [name, s] of Object.entries(props)) {
    const path = prefix ? `${prefix}.${name}` : name;
    const doc: FieldDoc = {
      path, type: typeOf(s), required: required.has(name), limits: limitsOf(s),
      ...(s.default !== undefined && { default: s.default }),
      ...(s.default === undefined && s.docDefault !== undefined && { default: s.docDefault }),
      ...(typeof s.unit === 'string' && { unit: s.unit }),
      ...(typeof s.description === 'string' && { description: s.description }),
    };
    out.push(doc);
    if (s.type === 'object' && s.properties) out.push(...fieldsOf(s, path));
    const items = s.items as Json | undefined;
    if (s.type === 'array' && items?.type === 'object' && items.properties) {
      doc.type = 'array of objects';
      out.push(...fieldsOf(items, `${path}[]`));
    }
  }
  return out;
}

export const CONFIG_FIELDS = (): FieldDoc[] => fieldsOf(jsonSchemaOf(bridgeConfigSchema));

export const DEVICE_OPTION_FIELDS = (): Record<'idreader' | 'printer' | 'counterbus' | 'qrscanner', FieldDoc[]> => ({
  idreader: fieldsOf(jsonSchemaOf(idReaderOptionsSchema), 'options'),
  printer: fieldsOf(jsonSchemaOf(printerOptionsSchema), 'options'),
  counterbus: fieldsOf(jsonSchemaOf(counterBusOptionsSchema), 'options'),
  qrscanner: fieldsOf(jsonSchemaOf(qrScannerOptionsSchema), 'options'),
});

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function defaultText(f: FieldDoc): string {
  if (f.default === undefined) return f.required ? '**required**' : '(none)';
  if (f.type === 'object' && JSON.stringify(f.default) === '{}') return '(see fields)';
  return `\`${JSON.stringify(f.default)}\``;
}

function table(fields: FieldDoc[]): string[] {
  const lines = ['| Field | Type | Default | Unit | Limits | Meaning |', '|---|---|---|---|---|---|'];
  for (const f of fields) {
    lines.push(`| \`${f.path}\` | ${cell(f.type)} | ${cell(defaultText(f))} | ${f.unit ?? ''} | ${cell(f.limits)} | ${cell(f.description ?? '')} |`);
  }
  return lines;
}

/** Fields without a description (the test fails on any). */
export function undocumentedFields(): string[] {
  const opts = DEVICE_OPTION_FIELDS();
  return [
    ...CONFIG_FIELDS().filter((f) => !f.description).map((f) => f.path),
    ...Object.entries(opts).flatMap(([kind, fs]) => fs.filter((f) => !f.description).map((f) => `devices[kind=${kind}].${f.path}`)),
  ];
}

export function renderConfigReference(): string {
  const opts = DEVICE_OPTION_FIELDS();
  return [
    '# Bridge configuration reference',
    '',
    '<!-- Generated by `npm run config:docs` from the zod schemas (device-bridge/src/config/reference.ts). Do not edit:',
    '     change the schema\'s `.meta()` and run the script again; a test fails when this file is stale. -->',
    '',
    'The bridge reads one JSON file: `device-bridge --config site.json` (or `npm start -- --config site.json`).',
    'Every field with a default may be left out. An unknown field, a value of the wrong type or out of its limits,',
    'or a missing `site.publicUrl` on a bridge with a printer stops the start with **exit code 2** and a line naming',
    'the field, e.g. `site.publicUrl: required: ...`. Relative paths are relative to the config file.',
    '',
    'Complete examples: `config/examples/site.example.hall.json` (hall server) and',
    '`config/examples/site.example.kiosk.json` (kiosk PC linked to a hall). Both are checked against the schema by',
    'the tests. Their secrets are placeholders (`REPLACE-with-...`) and their password hash is of a published password:',
    'a config file still holding one is refused with exit code 2, naming the field (make secrets with',
    '`openssl rand -hex 24`, password hashes with `npx tsx device-bridge/src/auth/hash-password.ts`).',
    '',
    '## Fields',
    '',
    ...table(CONFIG_FIELDS()),
    '',
    '## Device options (`devices[].options`)',
    '',
    'Each driver checks its own options; an unknown option stops that device with the field named.',
    '',
    '### `idreader` (ID card reader with SAM)',
    '',
    ...table(opts.idreader),
    '',
    '### `printer` (ESC/POS ticket printer)',
    '',
    ...table(opts.printer),
    '',
    '### `counterbus` (Modbus RTU line of counter terminals)',
    '',
    ...table(opts.counterbus),
    '',
    '### `qrscanner` (QR scan engine)',
    '',
    ...table(opts.qrscanner),
    '',
  ].join('\n');
}
