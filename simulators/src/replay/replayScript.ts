/**
 * One device's side of a recording (docs/recording-format.md) as a replay script (README "Record and replay"):
 * the recording cut into exchanges, each what the bridge wrote (tx, joined across chunks) and what the device
 * answered before the bridge wrote again (rx chunks, with their delay after the bridge's bytes). Replies that came
 * before the bridge wrote anything (a status push after open) form an exchange with no tx.
 */
import type { RecordingRecord } from '@onedoor/protocol';

export interface ReplayReply {
  /** µs after the exchange's last tx chunk (or the port open) in the recording. */
  afterUs: number;
  bytes: Uint8Array;
}

export interface ReplayExchange {
  /** Index in the script (what a divergence report points at). */
  index: number;
  /** The driver's label of the command (the note recorded with it), or '' when none was. */
  command: string;
  tx: Uint8Array;
  replies: ReplayReply[];
}

export function buildReplayScript(records: readonly RecordingRecord[], deviceId: string): ReplayExchange[] {
  const out: ReplayExchange[] = [];
  let current: { command: string; tx: number[]; txEndUs: number; replies: ReplayReply[] } | null = null;
  let pendingNote = '';
  let anchorUs = 0;
  const finish = () => {
    if (current) out.push({ index: out.length, command: current.command, tx: Uint8Array.from(current.tx), replies: current.replies });
    current = null;
  };
  for (const r of records) {
    if (r.device !== deviceId) continue;
    if (r.type === 'note') {
      pendingNote = r.text;
      continue;
    }
    if (r.type === 'port') {
      if (r.event === 'open' || r.event === 'reconnect') anchorUs = r.tUs;
      continue;
    }
    if (r.dir === 'tx') {
      if (current && current.replies.length > 0) finish();
      if (!current) current = { command: pendingNote, tx: [], txEndUs: r.tUs, replies: [] };
      pendingNote = '';
      for (const b of r.bytes) current.tx.push(b);
      current.txEndUs = r.tUs;
    } else {
      if (!current) current = { command: '(device spoke first)', tx: [], txEndUs: anchorUs, replies: [] };
      current.replies.push({ afterUs: Math.max(0, r.tUs - current.txEndUs), bytes: r.bytes });
    }
  }
  finish();
  return out;
}
