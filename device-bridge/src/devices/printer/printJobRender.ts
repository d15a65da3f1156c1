/**
 * What a print job prints: a render recipe (JSON kept in the job store, rendered at print time so a reprint can
 * carry the reprint mark) or raw ESC/POS bytes. `buildTicketJob` is the helper the hall services use to queue a
 * ticket; `renderPrintJob` is what the driver sends.
 *
 * Every rendered job ends with the job's own process-ID request (escpos.md "process ID"), after the cut, so its
 * echo means "this job has printed and been cut" (escpos.md: "A job is confirmed printed only when its own ID comes
 * back").
 */
import { EscPosEncoder, buildStandardTicket, concatBytes, standardTicketLayout, type StandardTicketData } from '@onedoor/protocol';
import { z } from 'zod';

/** The visible mark on every reprint (escpos.md "Paper out in the middle of a ticket": "a visible reprint mark"). */
export const PRINT_REPRINT_MARK = '补打 REPRINT';

/** Ticket fields a caller gives; the process ID and the reprint mark are the driver's. */
export type TicketJobData = Partial<Omit<StandardTicketData, 'processId' | 'reprintMark'>>;

export type PrintRecipe =
  | { kind: 'standardTicket'; ticket: TicketJobData }
  | { kind: 'testPage'; deviceId: string; requestedAt: string };

/** What a caller hands the printer driver to queue: a recipe or raw bytes. */
export type PrintJobRequest = { recipe: PrintRecipe; payload?: undefined } | { payload: Uint8Array; recipe?: undefined };

const ticketDataSchema = z
  .object({
    hallName: z.string().min(1).max(64),
    number: z.string().min(1).max(16),
    category: z.string().min(1).max(64),
    waiting: z.number().int().min(0).max(100_000),
    time: z.string().min(1).max(32),
    qrUrl: z.string().min(1).max(1000),
    footer: z.string().max(500),
    steps: z.array(z.string().min(1).max(64)).max(9),
  })
  .partial()
  .strict();

export const printRecipeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('standardTicket'), ticket: ticketDataSchema }).strict(),
  z.object({ kind: z.literal('testPage'), deviceId: z.string().min(1).max(64), requestedAt: z.string().min(1).max(40) }).strict(),
]);

/** A recipe from JSON (a client or the job store); throws an Error naming the bad field. */
export function parsePrintRecipe(value: unknown): PrintRecipe {
  const r = printRecipeSchema.safeParse(value);
  if (!r.success) {
    throw new Error(`print recipe: ${r.error.issues.map((i) => `${i.path.join('.') || '(recipe)'}: ${i.message}`).join('; ')}`);
  }
  return r.data as PrintRecipe;
}

/**
 * A queue-ticket job for the hall services: the standard ticket layout (escpos.md "The standard queue ticket") with
 * these fields. Validates now (throws naming the field) so a bad ticket is refused when queued, not when printed.
 */
export function buildTicketJob(ticket: TicketJobData): PrintJobRequest {
  const recipe = parsePrintRecipe({ kind: 'standardTicket', ticket });
  standardTicketLayout({ ...recipe.kind === 'standardTicket' ? recipe.ticket : {}, processId: '0000' });
  return { recipe };
}

/** The technician's test page for one printer. */
export function buildTestPageJob(deviceId: string, at = new Date()): PrintJobRequest {
  return { recipe: parsePrintRecipe({ kind: 'testPage', deviceId, requestedAt: at.toISOString() }) };
}

/** The bytes of a reprint mark line, put before a raw-byte job when it is printed again. */
function reprintMarkBytes(): Uint8Array {
  return new EscPosEncoder().initialize().align('center').bold(true).reverse(true).line(PRINT_REPRINT_MARK)
    .reverse(false).bold(false).align('left').encode();
}

function testPageBytes(r: Extract<PrintRecipe, { kind: 'testPage' }>, processId: string, reprint: boolean): Uint8Array {
  const enc = new EscPosEncoder().initialize().align('center');
  if (reprint) enc.bold(true).reverse(true).line(PRINT_REPRINT_MARK).reverse(false).bold(false);
  enc.bold(true).line('OneDoor 打印测试页 TEST PAGE').bold(false)
    .line(`printer ${r.deviceId}`)
    .line(r.requestedAt)
    .line('')
    .align('left')
    .line('ASCII  !"#$%&\'()*+,-./0123456789:;<=>?@')
    .line('       ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz')
    .line('中文   一门式一网式 广东省政务服务中心')
    .size(2).line('2x2 大字').size(1)
    .align('center')
    .qrCode(`onedoor test page ${r.deviceId}`, { moduleSize: 4, level: 'M' })
    .line('')
    .line('---- end of test page 测试结束 ----')
    .feed(3)
    .cut('partial')
    .processId(processId);
  return enc.encode();
}

/**
 * The bytes of one attempt at a job. `reprint`: the job was (maybe partly) printed before, so the output carries
 * the visible reprint mark. The process-ID request always comes last.
 */
export function renderPrintJob(job: { payload: Uint8Array | null; recipe?: unknown; processId: string }, opts: { reprint: boolean }): Uint8Array {
  if (job.payload) {
    const tail = new EscPosEncoder().processId(job.processId).encode();
    return opts.reprint ? concatBytes([reprintMarkBytes(), job.payload, tail]) : concatBytes([job.payload, tail]);
  }
  const recipe = parsePrintRecipe(job.recipe);
  switch (recipe.kind) {
    case 'standardTicket':
      return buildStandardTicket({ ...recipe.ticket, processId: job.processId, reprintMark: opts.reprint ? PRINT_REPRINT_MARK : undefined });
    case 'testPage':
      return testPageBytes(recipe, job.processId, opts.reprint);
  }
}
