/** A device's last frames, newest first: time, direction, length, hex (masked by the bridge) and the decoded line. */
import type { DeviceFrameEntry } from '@onedoor/protocol';
import { clockTime } from '../format.ts';

export function FrameTable({ deviceId, frames }: { deviceId: string; frames: readonly DeviceFrameEntry[] }) {
  if (frames.length === 0) return <p class="tech-muted">还没有帧 / no frames yet</p>;
  const rows = [...frames].reverse();
  return (
    <div class="tech-frames-scroll">
      <table class="tech-frames" data-testid={`frames-${deviceId}`}>
        <thead>
          <tr>
            <th>时间 time</th>
            <th>方向</th>
            <th>B</th>
            <th>hex</th>
            <th>解码 decoded</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((f) => (
            <tr key={f.seq} class={`dir-${f.dir}`} data-dir={f.dir}>
              <td class="mono">{clockTime(f.at)}</td>
              <td>{f.dir === 'tx' ? '→ tx' : '← rx'}</td>
              <td class="num">{f.length}</td>
              <td class="mono hex">{f.hex}</td>
              <td class="summary">{f.summary}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
