/**
 * `hall-load` (README "Many instances"): simulated kiosk links issuing tickets (`queue.take` over /kiosklink, the
 * path a linked kiosk uses: request record, rules, numbering, answer) in a closed loop at concurrency 1, 16, 64 and
 * 256, for (a) one instance on SQLite, (b) one instance on PostgreSQL, (c) three instances on PostgreSQL + Redis
 * (links spread over the instances). Tickets/s and p50/p99 latency per cell; then the rate at concurrency 16 with
 * 5,000 tickets waiting in the hall's day against the same with none waiting (measureWaiting below). At the end of
 * every configuration the
 * day's ticket numbers are checked unique and their count against the answers, and every answer against the
 * request records the instances wrote with the tickets.
 *
 * Steady state, not a burst: every setup first issues WARM_UP tickets per instance at concurrency 64, unmeasured, in
 * slices whose rates are printed (the warm-up curve); every cell measures at least three rounds of its concurrency
 * (PER_CELL, more at 256) after two unmeasured ones, with the loop kept full until its last measured answer (runCell
 * `steady`), so a cell's figures are those of a loop that has been running, not of its first arrivals all at once
 * nor of its last ones. A hall server runs all day; its first few thousand tickets are not its day. Each instance's JIT keeps
 * optimizing functions for its first 3,000-4,000 tickets (`--trace-opt` on scratch runs of twelve cells of 900 at 64
 * after 600 each: 79-109 functions optimized per cell at first, 6-15 by the tenth), and every optimization is CPU
 * time of the instance's process on the box's shared cores: over those cells (c)'s instances' CPU per ticket fell
 * from 0.82 to 0.38-0.43 ms and the rate rose from 1,300 to 2,200-2,300 tickets/s. With 600 tickets each (the
 * earlier warm-up) the cells measured the compiler as much as the hall. After the warm-up the database checkpoints, as
 * a server that has been running has (Setup.checkpoint): on a server started moments before, every commit waited
 * for each new WAL segment to be written with zeros, a stall of all the kiosks at once about every 1.5 s at (c)'s rate.
 *
 * What runs where: each instance in a process of its own (instanceProcess.ts), as a district runs them (README
 * "Running a district"); the kiosk clients in this process, as they would be on machines of their own. The set-up
 * (categories, the 5,000 waiting tickets, the day's tickets for the check) goes through a second store on the same
 * database, opened here, while no ticket is being asked (on SQLite the file is then shared by two processes, which
 * its WAL journal and busy wait allow; hallSqlite.ts). On this 2-core box all these processes still share the cores
 * with each other and with PostgreSQL and Redis: (c) measures the coordination cost on one box, not the scale-out of
 * three machines. The CPU per ticket is therefore split three ways (clients / instances / servers), and the rate
 * set against what the box's cores could give at that cost; and on PostgreSQL the sessions waiting on a lock are
 * sampled (lockWaits.ts), the part of the latency that separate machines would not remove. Each cell issues a fixed
 * number of tickets in a category of its own (a category ends at 999 tickets a day, hall-rules.md), so runs stay short.
 *
 * Every figure is printed beside the same figure of (a), today's single SQLite instance, measured in the same run
 * (columns "SQLite" and "× SQLite"): a ratio between two setups on the same busy box means more than either alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { idNumberCheckChar, KIOSK_LINK_NAMESPACE, type KioskLinkAnswer, type KioskLinkRequest } from '@onedoor/protocol';
import { parseConfig, type BridgeConfigInput } from '../../device-bridge/src/config/load.ts';
import { siteUtcOffsetMinutes } from '../../device-bridge/src/config/site.ts';
import { HallClock } from '../../device-bridge/src/hall/clock.ts';
import { medianOf, QueueService } from '../../device-bridge/src/hall/queue.ts';
import type { HallStore } from '../../device-bridge/src/store/hallStore.ts';
import { TICKET_VACUUMS } from '../../device-bridge/src/store/ticketStatistics.ts';
import { postgresBackend, sqliteBackend, TEST_PG_URL } from '../../device-bridge/test/store/backends.ts';
import { startInstanceProcess, type InstanceProcess } from './instanceProcess.ts';
import { CORES, withCpu } from './serverCpu.ts';
import { formatLockWaits, withLockWaits, type LockWaits } from './lockWaits.ts';

const CONCURRENCY = [1, 16, 64, 256];
/**
 * Measured tickets per cell: a category's day holds 999 (hall-rules.md "A001"), and a cell also issues up to three
 * rounds of its concurrency unmeasured (runCell `steady`): at 64, 128 + 800 + 64 = 992; at 256 the cell spans two.
 */
const PER_CELL = 800;
/** Unmeasured tickets per instance before a setup's first cell (see the head comment), in slices of WARM_UP_SLICE. */
const WARM_UP = 3900;
const WARM_UP_SLICE = 780;
/** The warm-up's categories: up to 999 tickets a day each (hall-rules.md "A001"), three instances' 11,700 in 12. */
const WARM_UP_CATEGORIES = [...'MNOPQRSTUVWX'];
/** The categories of the cells with none waiting, in turn (each cell's tickets are then closed: none waits). */
const NONE_WAITING_CATEGORIES = ['Y', 'Z'];
/** The categories of the cells with 5,000 waiting, in turn: each holds WAITING_IN_CATEGORY of the 5,000. */
const WAITING_CATEGORIES: [string, string] = ['E', 'L'];
/**
 * Pairs of cells, one with none waiting and one with 5,000, in the order ABBA BAAB: a drift of the box's speed over
 * the pairs weighs on both sides alike, and so does whatever comes back every four cells. A cell of a few hundred
 * tickets on a busy box varies by 15 % or more from one to the next, so a ratio of two single cells said as much
 * about the box as about the queue; and in ABBA ABBA the instance's V8 background threads (compiler, collector)
 * worked most in the second and third cell of each four, the B cells: with the 5,000 never set waiting at all, the
 * B cells cost one PostgreSQL instance 1.15-1.29 times the CPU per ticket of the A cells (three runs), in ABBA BAAB
 * 0.90-1.03.
 */
const WAITING_PAIRS = 4;
/** Tickets per cell of the pairs: each category then holds at most 390 + 2 × 300 of its 999 a day. */
const PER_WAITING_CELL = 300;
const WAITING_IN_CATEGORY = 390;
/** The other categories of the 5,000 waiting, (5,000 - 2 × 390) / 5 = 844 each, so 155 more each (LEAD_IN_CELL). */
const FILL_CATEGORIES = [...'FGHIJ'];
/**
 * Unmeasured cells before the pairs, one in each of FILL_CATEGORIES, with none and 5,000 waiting in turn. The cells
 * before the pairs are the concurrency cells, the last at 256: the first cells at 16 after them cost an instance 1.5-2
 * times the CPU per ticket of the later ones (scratch runs of (b), four of each: 0.16-0.24 ms in the first three
 * cells against 0.10-0.12 from the fourth), and ABBA BAAB puts two of those three on the side of 5,000 waiting
 * (the second pair's ratio, its cell with the 5,000 the third of those, was 0.70-0.89 in six runs). With these cells first,
 * the step falls in them.
 */
const LEAD_IN_CELL = 150;
const WAITING = 5000;
/**
 * Recycled WAL segments of 16 MB ready before the measured cells (Setup.checkpoint): (c)'s fill 3-4 of them, so none
 * is then created while a cell runs.
 */
const WAL_SEGMENTS_READY = 8;
const LINKS = 64;
const REDIS_URL = process.env.ONEDOOR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const tokens = Array.from({ length: LINKS }, (_, i) => `bench-kiosk-token-${String(i).padStart(4, '0')}`);

let people = 0;
/** A distinct valid citizen per request (born 1980 onwards: no green channel), so every request is a new ticket. */
function nextCitizen(): KioskLinkRequest['citizen'] {
  const k = people++;
  const birth = new Date(Date.UTC(1980, 0, 1) + Math.floor(k / 900) * 86_400_000).toISOString().slice(0, 10);
  const body = `440106${birth.replaceAll('-', '')}${100 + (k % 900)}`;
  const name = `测${[...String(k)].map((d) => '零一二三四五六七八九'[Number(d)]).join('')}`;
  return { number: body + idNumberCheckChar(body), name, birthDate: birth, validUntil: '长期' };
}

interface Setup {
  name: string;
  instances: InstanceProcess[];
  links: Socket[];
  /** A second store on the instances' database, in this process: set-up and checks, never while tickets are asked. */
  store: HallStore;
  /** The hall clock the instances run on (same config, same box clock). */
  clock: HallClock;
  /**
   * After a set-up write of thousands of rows, what the database does on its own within a minute in a running hall:
   * PostgreSQL VACUUMs the tickets and the waiting counts' stripes (autovacuum, migration 22; where it is off, as on
   * this machine kind, the instances' own check, store/ticketStatistics.ts); SQLite checkpoints its journal (every
   * 1,000 pages written).
   * A hall gets to 5,000 waiting over hours, not in one statement: that statement's aftermath is the bench's.
   */
  tidy: () => Promise<void>;
  /**
   * After the warm-up, what a database server that has been running has done: a checkpoint (PostgreSQL makes one every
   * checkpoint_timeout, or sooner by max_wal_size). A server started moments before (CI's, or this box's after a
   * boot) has made none yet, so no WAL segment has been recycled: each new 16 MB segment is created as the last one
   * fills, by writing it with zeros (wal_init_zero), and every commit of every instance waits for that. At (c)'s rate
   * at 64 that was about every 1.5 s (scratch runs of (c) at 64 with the segment logged: the 3 cells of 24 that
   * crossed into a new segment had all 64 kiosks' tickets slow at once, p99 45-54 ms; after one CHECKPOINT, 34 cells
   * of 36 were under 25 ms, and none had such a stall). A checkpoint recycles the segments before it as the next
   * ones, as a running server's checkpoints do; where fewer than WAL_SEGMENTS_READY would then be ready, the WAL is
   * first switched through the missing ones. SQLite: a checkpoint of its journal.
   */
  checkpoint: () => Promise<void>;
  /** PostgreSQL: the WAL segment being written and how many recycled ones wait after it (null on SQLite). */
  walSegments: () => Promise<WalSegments | null>;
  /** SQL on the instances' database (set-up only, while no ticket is asked). */
  sql(text: string, ...params: unknown[]): Promise<Array<Record<string, unknown>>>;
  /** PostgreSQL: the database whose sessions' lock waits each cell samples (lockWaits.ts). */
  pgUrl: string | null;
  close(): Promise<void>;
}

async function openSetup(name: string, kind: 'sqlite' | 'postgres', count: number): Promise<Setup> {
  // On SQLite the first instance's data dir is the target's (its hall.sqlite is the target's file).
  const target = await (kind === 'postgres' ? postgresBackend : sqliteBackend).create();
  const dirs: string[] = [];
  const prefix = `od-bench-${process.pid}-${Date.now()}`;
  const instances: InstanceProcess[] = [];
  let store: HallStore | null = null;
  let links: Socket[] = [];
  const close = async () => {
    for (const s of links) s.disconnect();
    await store?.close();
    for (const i of instances) await i.stop();
    await target.destroy();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  try {
    let config: BridgeConfigInput | null = null;
    for (let i = 0; i < count; i++) {
      const dir = i === 0 ? target.dir : mkdtempSync(join(tmpdir(), 'od-bench-hall-'));
      if (i > 0) dirs.push(dir);
      config = {
        http: { port: 0 }, dataDir: dir, store: target.setting,
        ...(count > 1 ? { instances: { redisUrl: REDIS_URL, keyPrefix: prefix } } : {}),
        kiosks: tokens.map((token, k) => ({ id: `kiosk-${k + 1}`, token })),
        kioskLink: { ticketsPerMinute: 10_000, ticketBurst: 1000 },
        options: { logLevel: 'silent' },
      };
      // One after another: the first one creates the schema, the others find it done.
      // Only their CPU time is read here: no event-loop timers in them (instanceProcess.ts watchStalls).
      instances.push(await startInstanceProcess(config, { watchStalls: false }));
    }
    store = await target.open();
    const clock = new HallClock(Date.now, siteUtcOffsetMinutes(parseConfig(config).site));
    for (const letter of 'ABCDEFGHIJKL' + WARM_UP_CATEGORIES.join('') + NONE_WAITING_CATEGORIES.join('')) await store.upsertQueueCategory({ letter, name: `业务${letter}`, defaultServiceMinutes: 5 });
    links = await Promise.all(tokens.map(async (token, k) => {
      const s = connect(`${instances[k % count].url}${KIOSK_LINK_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
      await new Promise<void>((resolve, reject) => {
        s.once('connect', resolve);
        s.once('connect_error', reject);
      });
      await s.emitWithAck('kioskHello', { devices: [], startedAt: Date.now() });
      return s;
    }));
    const tidy = async () => {
      if (kind === 'sqlite') return void (await target.sql('PRAGMA wal_checkpoint(TRUNCATE)'));
      // As store/ticketStatistics.ts does (and autovacuum, where it is on): the tickets, and the waiting counts' stripes.
      for (const statement of TICKET_VACUUMS) await target.sql(statement);
    };
    const walSegments = async (): Promise<WalSegments | null> => {
      if (kind === 'sqlite') return null;
      // Segment file names sort in WAL order (timeline, then position); those after the current one were recycled.
      // pg_ls_waldir, pg_switch_wal and CHECKPOINT need a superuser (or pg_monitor, a grant of pg_switch_wal and
      // pg_checkpoint): without, the bench runs as before and says so.
      const [{ segment, ahead }] = await target.sql(`SELECT
          floor(pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') / (SELECT setting::numeric FROM pg_settings WHERE name = 'wal_segment_size')) AS segment,
          (SELECT count(*) FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$' AND name > pg_walfile_name(pg_current_wal_lsn())) AS ahead`);
      return { segment: Number(segment), ahead: Number(ahead) };
    };
    const checkpointPostgres = async () => {
      // A server that has been running has recycled segments ahead (at least min_wal_size's worth, 80 MB by default);
      // one started moments before has only those it has written since: switching through the missing ones first
      // (each after a record, or the switch does nothing) gives the checkpoint that many to recycle.
      for (let i = (await walSegments())!.ahead; i < WAL_SEGMENTS_READY; i++) {
        await target.sql(`SELECT pg_logical_emit_message(false, 'onedoor-bench', 'segment')`);
        await target.sql('SELECT pg_switch_wal()');
      }
      await target.sql('CHECKPOINT');
    };
    const checkpoint = async () => {
      if (kind === 'sqlite') return void (await target.sql('PRAGMA wal_checkpoint(TRUNCATE)'));
      await checkpointPostgres().catch((err: Error) => console.log(`${name}: no checkpoint after the warm-up (${err.message})`));
    };
    return { name, instances, links, store, clock, tidy, checkpoint, walSegments, sql: (text, ...params) => target.sql(text, ...params),
      pgUrl: kind === 'postgres' ? TEST_PG_URL : null, close };
  } catch (err) {
    await close();
    throw err;
  }
}

interface WalSegments {
  /** The number of the segment being written (its position in the WAL over the segment size). */
  segment: number;
  /** Recycled segments waiting after it (file names sort in WAL order). */
  ahead: number;
}

interface Cell {
  rate: number; p50: number; p99: number; issued: string[];
  /** CPU ms per ticket: this process (the kiosk clients), the instances' processes, the database servers. */
  clientMs: number; instanceMs: number; serverMs: number;
  /** PostgreSQL: its sessions waiting on a lock during the cell (null on SQLite). */
  locks: LockWaits | null;
}

let requestSeq = 0;
/**
 * `count` measured tickets in a closed loop of `concurrency`, spread evenly over `categories` (each below its 999 a
 * day). `steady`: the loop first issues two rounds of unmeasured tickets (2 × concurrency) and keeps issuing
 * unmeasured ones (at most one round) until the last measured ticket is answered, so the measured ones are those of a
 * loop already running at its concurrency, neither its start from idle (all the kiosks asking in the same instant:
 * an instance's first group takes what arrived in its first turn and the rest wait for it, then for the first
 * group's kiosks, 25-30 ms at 64 on three instances, set the p99 of half the cells of 900 in scratch runs) nor its
 * end, when fewer ask. The rate is then the measured tickets over the time from the first one's ask to the ask of
 * the first one after them; CPU per ticket is over every ticket of the cell, measured or not. Without `steady`
 * (the warm-up, the pairs of measureWaiting), the cell is its count from idle to the last answer.
 */
async function runCell(setup: Setup, categories: string[], concurrency: number, count: number, steady = false): Promise<Cell> {
  const lead = steady ? 2 * concurrency : 0;
  const trail = steady ? concurrency : 0;
  const latencies: number[] = [];
  const issued: string[] = [];
  let started = 0;
  let answeredMeasured = 0;
  let firstAsk = 0;
  let askAfter = 0;
  let lastAnswer = 0;
  const worker = async (w: number) => {
    const link = setup.links[w % setup.links.length];
    // Unmeasured trail tickets keep the loop full while measured ones are still on their way (at most `trail`).
    while (started < lead + count || (answeredMeasured < count && started < lead + count + trail)) {
      const k = started++;
      const inCell = k >= lead && k < lead + count;
      const category = categories[k % categories.length];
      const req: KioskLinkRequest = { requestId: `r${++requestSeq}`, op: 'queue.take', citizen: nextCitizen(), args: [category] };
      const t = performance.now();
      if (k === lead) firstAsk = t;
      if (k === lead + count) askAfter = t;
      const a = (await link.emitWithAck('hallRequest', req)) as KioskLinkAnswer;
      if (inCell) {
        lastAnswer = performance.now();
        latencies.push(lastAnswer - t);
        answeredMeasured++;
      }
      if (!a.ok) {
        // Paused: an instance's database check failed (README "When PostgreSQL goes away"); on a shared box, say too
        // many connections to the shared PostgreSQL. The instances log only when asked.
        const why = a.failure.kind === 'paused' ? ' (run with ONEDOOR_BENCH_LOG=warn to see why the instance paused)' : '';
        throw new Error(`${setup.name}: ${JSON.stringify(a.failure)}${why}`);
      }
      issued.push((a.result as { number: string }).number);
    }
  };
  // The instances count their CPU from the reset just before the cell to the ask just after it.
  await Promise.all(setup.instances.map((i) => i.reset()));
  const measured = (skip: number[]) => withCpu(() => Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w))),
    [process.pid, ...setup.instances.map((i) => i.pid)], skip);
  const sampled = setup.pgUrl ? await withLockWaits(setup.pgUrl, (sampler) => measured([sampler])) : { result: await measured([]), locks: null };
  const { wallS, processS, serverS } = sampled.result;
  const instanceS = (await Promise.all(setup.instances.map((i) => i.stats()))).reduce((sum, s) => sum + s.cpuS, 0);
  latencies.sort((x, y) => x - y);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  // Every ticket of the cell (lead and trail too) was served by the CPU time measured.
  const perTicket = (seconds: number) => (seconds * 1000) / issued.length;
  // Steady: the measured tickets from the first one's ask to the ask after the last (the loop still full), or, where
  // no trail ticket was asked (concurrency 1: the one kiosk asks the next once answered), to the last one's answer.
  const rate = steady ? count / (((askAfter > firstAsk ? askAfter : lastAnswer) - firstAsk) / 1000) : count / wallS;
  return { rate, p50: pct(0.5), p99: pct(0.99), issued,
    clientMs: perTicket(processS), instanceMs: perTicket(instanceS), serverMs: perTicket(serverS), locks: sampled.locks };
}

/**
 * 5,000 tickets waiting on the day: a category holds at most 999 a day (hall-rules.md "A001"), so 390 in each of the
 * two measured categories (each then issuing two cells of 300) and the rest in five others; the next call reads them
 * all. Answers the range of the new tickets' ids, (after, upTo].
 */
async function fillWaiting(setup: Setup, measured: [string, string]): Promise<{ after: number; upTo: number }> {
  const lastId = async () => Number((await setup.sql('SELECT max(id) AS m FROM tickets'))[0]?.m ?? 0);
  const after = await lastId();
  const queue = new QueueService(setup.store, setup.clock);
  const rest = (WAITING - 2 * WAITING_IN_CATEGORY) / 5;
  const plan: Array<[string, number]> = [...measured.map((l): [string, number] => [l, WAITING_IN_CATEGORY]),
    ...FILL_CATEGORIES.map((l): [string, number] => [l, rest])];
  // One transaction: the fill is set-up, not part of the measure.
  await setup.store.withTransaction(async (tx) => {
    for (const [letter, n] of plan) for (let i = 0; i < n; i++) await queue.issueIn(tx, { citizen: null, category: letter });
  });
  return { after, upTo: await lastId() };
}

/**
 * The rate at concurrency 16 with 5,000 tickets waiting on the hall's day against the rate with none, in
 * WAITING_PAIRS pairs of cells. First every ticket waiting on the day is closed (the warm-up's and the earlier
 * cells', thousands: without this, "none waiting" would not be none), then the 5,000 are filled once, then the
 * unmeasured cells of LEAD_IN_CELL run, set up as the pairs' (the step after the concurrency cells falls in them). Before each
 * cell they are set waiting or closed in one statement and the database tidied (Setup.tidy); after it, the cell's
 * own tickets are closed too (every waiting ticket but the 5,000): a cell with none waiting starts with none on the day, one
 * with 5,000 with exactly those, 390 of them in its own category. All of it set-up, between cells, in SQL on the
 * instances' database. Closed means status 'done' without a finish time: no service time of a closed ticket enters
 * a wait estimate (visitRecords.ts reads finished tickets only).
 */
async function measureWaiting(setup: Setup): Promise<{ leadIn: Cell[]; none: Cell[]; full: Cell[] }> {
  const day = setup.clock.today();
  const fill = { after: 0, upTo: 0 };
  const closeOthers = () => setup.sql(`UPDATE tickets SET status = 'done' WHERE day = ? AND status = 'waiting' AND NOT (id > ? AND id <= ?)`,
    day, fill.after, fill.upTo);
  await closeOthers();
  Object.assign(fill, await fillWaiting(setup, WAITING_CATEGORIES));
  /** One cell of `count` in `category` with the 5,000 waiting or not, set up as each pair's. */
  const cellWith = async (waiting: boolean, category: string, count: number): Promise<Cell> => {
    await setup.sql('UPDATE tickets SET status = ? WHERE id > ? AND id <= ?', waiting ? 'waiting' : 'done', fill.after, fill.upTo);
    await setup.tidy();
    const cell = await runCell(setup, [category], 16, count);
    await closeOthers();
    return cell;
  };
  const leadIn: Cell[] = [];
  for (const [k, category] of FILL_CATEGORIES.entries()) leadIn.push(await cellWith(k % 2 === 1, category, LEAD_IN_CELL));
  const none: Cell[] = [];
  const full: Cell[] = [];
  for (let pair = 0; pair < WAITING_PAIRS; pair++) {
    // ABBA BAAB (WAITING_PAIRS): pairs 0 and 3 of each four start with none waiting, 1 and 2 with the 5,000.
    for (const waiting of pair % 4 === 0 || pair % 4 === 3 ? [false, true] : [true, false]) {
      const cells = waiting ? full : none;
      const category = (waiting ? WAITING_CATEGORIES : NONE_WAITING_CATEGORIES)[cells.length % 2];
      cells.push(await cellWith(waiting, category, PER_WAITING_CELL));
    }
  }
  return { leadIn, none, full };
}

/** The median of a pair side's cells (WAITING_PAIRS of them, never none). */
const median = (values: readonly number[]): number => medianOf(values)!;

/** The most tickets a second this box's cores could issue at the cell's CPU cost per ticket (process + servers). */
function cpuCeiling(cell: Cell): number {
  return (CORES * 1000) / (cell.clientMs + cell.instanceMs + cell.serverMs);
}

/** `value` beside the baseline's, and their ratio (2 decimals). */
function beside(value: number, base: number | undefined, digits = 1): { base: string; ratio: string } {
  return base === undefined ? { base: '', ratio: '' } : { base: base.toFixed(digits), ratio: (value / base).toFixed(2) };
}

export default async function bench(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  const waitingRows: Record<string, string | number>[] = [];
  /** Per setup, the warm-up's rate per slice: where the plateau starts. */
  const warmUps: string[] = [];
  /** Per PostgreSQL setup, its WAL segments during the measured cells (Setup.checkpoint). */
  const walNotes: string[] = [];
  // (a)'s figures per concurrency, and at 5,000 waiting: what every other setup is printed beside.
  const sqlite = new Map<number | 'waiting', { rate: number; p50: number; p99: number }>();
  const configs: Array<[string, 'sqlite' | 'postgres', number]> = [
    ['(a) SQLite, 1 instance', 'sqlite', 1],
    ['(b) PostgreSQL, 1 instance', 'postgres', 1],
    ['(c) PostgreSQL + Redis, 3 instances', 'postgres', 3],
  ];
  for (const [name, kind, count] of configs) {
    const setup = await openSetup(name, kind, count);
    try {
      const numbers: string[] = [];
      const curve: string[] = [];
      for (let done = 0; done < WARM_UP; done += WARM_UP_SLICE) {
        const slice = await runCell(setup, WARM_UP_CATEGORIES, 64, WARM_UP_SLICE * count);
        numbers.push(...slice.issued);
        curve.push(String(Math.round(slice.rate)));
      }
      warmUps.push(`${name}: ${curve.join(', ')}`);
      await setup.checkpoint();
      const walBefore = await setup.walSegments().catch(() => null);
      // Per concurrency, its categories: at least three measured rounds after two unmeasured ones, 999 a day per category.
      const letters = [['A'], ['B'], ['C'], ['D', 'K']];
      for (const [i, c] of CONCURRENCY.entries()) {
        const cell = await runCell(setup, letters[i], c, Math.max(PER_CELL, 4 * c), true);
        numbers.push(...cell.issued);
        if (kind === 'sqlite') sqlite.set(c, cell);
        const base = sqlite.get(c);
        const rate = beside(cell.rate, base?.rate);
        const p99 = beside(cell.p99, base?.p99);
        rows.push({ setup: name, concurrency: c, 'tickets/s': Math.round(cell.rate), 'SQLite tickets/s': beside(cell.rate, base?.rate, 0).base,
          '× SQLite': rate.ratio, 'p50 ms': cell.p50.toFixed(1), 'SQLite p50': beside(cell.p50, base?.p50).base,
          'p99 ms': cell.p99.toFixed(1), 'SQLite p99': p99.base, 'p99 × SQLite': p99.ratio,
          'CPU ms/ticket (clients + instances + servers)': `${cell.clientMs.toFixed(2)} + ${cell.instanceMs.toFixed(2)} + ${cell.serverMs.toFixed(2)}`,
          '× CPU ceiling': (cell.rate / cpuCeiling(cell)).toFixed(2), 'waiting on a lock': cell.locks ? formatLockWaits(cell.locks) : '' });
        console.log(JSON.stringify(rows.at(-1)));
      }
      const { leadIn, none, full } = await measureWaiting(setup);
      for (const c of [...leadIn, ...none, ...full]) numbers.push(...c.issued);
      const walAfter = await setup.walSegments().catch(() => null);
      if (walBefore && walAfter) {
        const filled = walAfter.segment - walBefore.segment;
        walNotes.push(`${name}: ${filled} filled during the measured cells, ${walBefore.ahead} recycled ones ready at their start` +
          (filled > walBefore.ahead ? ` (${filled - walBefore.ahead} created meanwhile, each a wait of every commit)` : ''));
      } else if (kind === 'postgres') walNotes.push(`${name}: not read (pg_ls_waldir needs a superuser or pg_monitor)`);
      /** CPU per ticket of the instances and servers: the cost itself, less moved by a neighbour than the rate. */
      const costOf = (c: Cell) => c.instanceMs + c.serverMs;
      const at = (cells: Cell[]) => ({ rate: median(cells.map((c) => c.rate)), p50: median(cells.map((c) => c.p50)),
        p99: median(cells.map((c) => c.p99)), cost: median(cells.map(costOf)) });
      const zero = at(none);
      const loaded = at(full);
      if (kind === 'sqlite') sqlite.set('waiting', loaded);
      const base = sqlite.get('waiting');
      waitingRows.push({ setup: name, 'tickets/s, 0 waiting': Math.round(zero.rate), [`tickets/s, ${WAITING} waiting`]: Math.round(loaded.rate),
        ratio: (loaded.rate / zero.rate).toFixed(2), 'ratio per pair': full.map((c, i) => (c.rate / none[i].rate).toFixed(2)).join(' '),
        'SQLite at 5000': beside(loaded.rate, base?.rate, 0).base, 'at 5000 × SQLite': beside(loaded.rate, base?.rate).ratio,
        'p99 ms at 5000': loaded.p99.toFixed(1), 'SQLite p99 at 5000': beside(loaded.p99, base?.p99).base,
        'CPU ms/ticket 0 · 5000': `${zero.cost.toFixed(2)} · ${loaded.cost.toFixed(2)}`, 'CPU ratio 5000 / 0': (loaded.cost / zero.cost).toFixed(2) });
      // Numbers unique per hall and day: the answers and the database agree.
      const day = setup.clock.today();
      const stored = (await setup.store.listTickets(day)).filter((t) => t.holderNumber !== null).map((t) => t.number);
      const unique = new Set(numbers).size === numbers.length && new Set(stored).size === stored.length && stored.length === numbers.length;
      // Every answer recorded with its ticket (the link's request records, hallLink/hallRequests.ts): a resend after
      // a reconnect is answered from them, so a ticket without its record is a ticket a resend would not find.
      const recorded = (await Promise.all(tokens.map((_, k) => setup.store.countKioskRequests(`kiosk-${k + 1}`)))).reduce((a, b) => a + b, 0);
      rows.push({ setup: name, concurrency: 'check', 'tickets/s': `${numbers.length} issued`, 'p50 ms': unique ? 'numbers unique' : 'DUPLICATE NUMBERS',
        'p99 ms': recorded === numbers.length ? 'each answer recorded' : `${numbers.length - recorded} ANSWERS NOT RECORDED` });
    } finally {
      await setup.close();
    }
  }
  console.log(`warm-up at concurrency 64, tickets/s per slice of ${WARM_UP_SLICE} tickets per instance (unmeasured):\n  ${warmUps.join('\n  ')}`);
  console.log(`closed loop over ${LINKS} kiosk links, after ${WARM_UP} unmeasured tickets per instance; ${PER_CELL} measured tickets per cell (${4 * 256} at 256)
after two unmeasured rounds of its concurrency, the loop kept full until the last measured answer (rate: measured tickets over their asks' span),
${WAITING_PAIRS} pairs of ${PER_WAITING_CELL} with none and ${WAITING} waiting; ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`what runs where: each instance in a process of its own (as in a district); the ${LINKS} kiosk clients in the bench
process (kiosks are machines of their own); PostgreSQL and Redis in theirs; all on this box's ${CORES} shared cores`);
  console.log('SQLite / × SQLite: the same figure of (a), one SQLite instance, measured in this run, and the ratio to it');
  console.log(`CPU ms/ticket: the bench process (kiosk clients) + the instances' processes + PostgreSQL and Redis; × CPU ceiling:
the rate against ${CORES} cores / that CPU per ticket, the most this box could issue at that cost. Closed loop: p50 ≈
concurrency / rate (Little's law), so p99 < 25 ms at 64 concurrent needs at least 64 / 0.025 = 2,560 tickets/s;
waiting on a lock: PostgreSQL sessions seen waiting on a lock, mean over samples every 20 ms (by wait event), the
latency machines of their own would keep (lockWaits.ts)`);
  console.table(rows);
  console.log(`WAL segments of 16 MB (PostgreSQL; a checkpoint after each warm-up, Setup.checkpoint):\n  ${walNotes.join('\n  ')}`);
  console.log(`rate at concurrency 16 with ${WAITING} tickets waiting on the hall's day (${WAITING_IN_CATEGORY} of them in the cell's own category)
against none waiting (goal: ratio >= 0.9): ${WAITING_PAIRS} pairs of cells of ${PER_WAITING_CELL} tickets in the order ABBA BAAB, after ${FILL_CATEGORIES.length} unmeasured of ${LEAD_IN_CELL}; the
median of each side (ratio per pair: each pair's own, in order); before each cell the ${WAITING} set waiting or closed,
every other waiting ticket closed and the database tidied as it would be within a minute (PostgreSQL: VACUUM of the
tickets and the waiting counts; SQLite: a checkpoint of its journal). A new ticket's wait estimate reads its category's waiting count
(migration 23) and the few tickets behind it: the CPU per ticket of instances and servers is the cost itself`);
  console.table(waitingRows);
}
