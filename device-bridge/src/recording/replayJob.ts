/**
 * Replaying a recording from the technician console (README "Record and replay", "Replaying from /tech"): one
 * replay at a time, in a child process (scripts/replay/replayRun.ts) that puts the recording's devices behind
 * simulators on temp PTYs and runs a fresh bridge against them, so the live devices and the live store are never
 * touched. The bridge never imports the simulators (architecture.md); it only starts that program when this is a
 * checkout that has it and tsx. An installed kiosk (the compiled bridge only) answers that replay runs elsewhere.
 *
 * The job's view (ReplayJobView) is what GET /api/tech/replay answers: per-device progress while running, then the
 * divergence reports (at which exchange, the command, what was expected and received), where a damaged file
 * stopped, or why it was refused (a newer format version, named).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The child's program and the tsx CLI that runs it; null when this installation has no simulators or no tsx. */
export interface ReplayProgram {
  node: string;
  args: string[];
}

export function findReplayProgram(): ReplayProgram | null {
  const script = fileURLToPath(new URL('../../../scripts/replay/replayRun.ts', import.meta.url));
  if (!existsSync(script)) return null;
  try {
    const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
    return { node: process.execPath, args: [tsxCli, script] };
  } catch {
    return null;
  }
}

const progressSchema = z.object({ id: z.string(), kind: z.string(), exchanges: z.number(), at: z.number(), matched: z.number(), divergences: z.number() });
const divergenceSchema = z.object({ exchange: z.number(), command: z.string(), expected: z.string(), received: z.string(), skipped: z.number() });
/** The child's JSON lines (scripts/replay/replayRun.ts ReplayRunLine), checked like any input crossing a boundary. */
const lineSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), devices: z.array(progressSchema), skipped: z.array(z.object({ id: z.string(), kind: z.string(), why: z.string() })), damage: z.string().nullable() }),
  z.object({ type: z.literal('progress'), devices: z.array(progressSchema) }),
  z.object({
    type: z.literal('done'),
    devices: z.array(progressSchema),
    reports: z.array(z.object({ device: z.string(), exchanges: z.number(), matched: z.number(), divergences: z.array(divergenceSchema), afterEnd: z.number() })),
    stalled: z.string().nullable(),
  }),
  z.object({ type: z.literal('failed'), reason: z.string(), message: z.string(), version: z.number().optional() }),
]);

type Line = z.infer<typeof lineSchema>;
type Report = Extract<Line, { type: 'done' }>['reports'][number];

export interface ReplayJobView {
  recording: string;
  speed: number;
  state: 'starting' | 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  devices: z.infer<typeof progressSchema>[];
  skipped: { id: string; kind: string; why: string }[];
  /** Where a damaged or truncated file stopped (the replay ran up to there). */
  damage: string | null;
  /** Set when the replay ended before the script's end: why. */
  stalled: string | null;
  /** The divergence reports, once done. */
  reports: Report[];
  divergences: number;
  /** Why it failed (a newer format version, named; an unreadable file). */
  failure: { reason: string; message: string; version?: number } | null;
}

export interface ReplayDeviceSettings {
  id: string;
  kind: string;
  baud?: number;
  options?: Record<string, unknown>;
}

export class ReplayJobs {
  private view: ReplayJobView | null = null;
  private child: ChildProcess | null = null;
  private last: Extract<Line, { type: 'done' | 'failed' }> | null = null;

  constructor(private readonly o: { program: ReplayProgram | null; devices: readonly ReplayDeviceSettings[]; stallMs?: number }) {}

  get available(): boolean {
    return this.o.program !== null;
  }

  get running(): boolean {
    return this.child !== null;
  }

  current(): ReplayJobView | null {
    return this.view ? { ...this.view } : null;
  }

  /** Starts replaying `files` (the segments of one recording, in order); the caller checked nothing else runs. */
  start(recording: string, files: string[], speed: number): ReplayJobView {
    const program = this.o.program;
    if (!program) throw new Error('replay needs the simulators (a OneDoor checkout); run `npm run replay` on that machine');
    const view: ReplayJobView = {
      recording, speed, state: 'starting', startedAt: new Date().toISOString(), finishedAt: null, devices: [], skipped: [],
      damage: null, stalled: null, reports: [], divergences: 0, failure: null,
    };
    this.view = view;
    this.last = null;
    const input = { files, speed, devices: this.o.devices.map(({ id, kind, baud, options }) => ({ id, kind, baud, options })), stallMs: this.o.stallMs };
    const child = spawn(program.node, [...program.args, JSON.stringify(input)], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    let buffered = '';
    let errText = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (s: string) => {
      buffered += s;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const text = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        this.apply(view, text);
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      errText = (errText + s).slice(-2000);
    });
    child.on('error', (err) => this.end(view, { reason: 'error', message: err.message }));
    child.on('exit', (code, signal) => {
      if (buffered) this.apply(view, buffered);
      this.end(view, { reason: 'error', message: `replay ended unexpectedly (${signal ?? `exit ${code}`}): ${errText.trim().split('\n').at(-1) ?? ''}` });
    });
    return { ...view };
  }

  /** Ends a running replay; its report so far comes back as `done` with the reason in `stalled`. */
  stop(): void {
    this.child?.kill('SIGTERM');
  }

  /** The bridge is stopping: the child ends too (and removes its temp folder). */
  close(): void {
    this.child?.kill('SIGTERM');
  }

  private apply(view: ReplayJobView, text: string): void {
    let line: Line;
    try {
      const p = lineSchema.safeParse(JSON.parse(text));
      if (!p.success) return;
      line = p.data;
    } catch {
      return; // not a line of ours (a stray print in the child): ignored
    }
    if (line.type === 'started') {
      Object.assign(view, { state: 'running', devices: line.devices, skipped: line.skipped, damage: line.damage });
    } else if (line.type === 'progress') {
      view.devices = line.devices;
    } else {
      // The last word: shown once the child has exited (its temp PTYs and folder gone), so a new replay may start.
      this.last = line;
    }
  }

  private end(view: ReplayJobView, failure: ReplayJobView['failure']): void {
    if (this.child === null) return;
    const line = this.last;
    this.last = null;
    if (line?.type === 'done') {
      Object.assign(view, { state: 'done', devices: line.devices, reports: line.reports, stalled: line.stalled,
        divergences: line.reports.reduce((n, r) => n + r.divergences.length, 0) });
    } else if (line?.type === 'failed') {
      Object.assign(view, { state: 'failed', failure: { reason: line.reason, message: line.message, ...(line.version !== undefined && { version: line.version }) } });
    } else {
      Object.assign(view, { state: 'failed', failure });
    }
    view.finishedAt = new Date().toISOString();
    this.child = null;
  }
}
