/**
 * One device on the console: state, paper, detail, since, last error, counters (and the counter bus's terminals),
 * its self-tests (the driver's actions, run as `deviceCommand` on /tech) and its last frames.
 */
import { useState } from 'preact/hooks';
import type { Completion, DeviceFrameEntry, DeviceStatus, TechDeviceAction } from '@onedoor/protocol';
import { ago, clockTime } from '../format.ts';
import { ActionButton, type ActionOutcome } from './ActionButton.tsx';
import { FrameTable } from './FrameTable.tsx';

const STATE_ZH: Record<string, string> = {
  starting: '启动中',
  online: '正常',
  offline: '离线',
  hardwareError: '硬件故障',
  userError: '需处理',
  busy: '忙',
  noDevice: '未接入',
};

/** The self-test actions worth a button of their own per kind; others sit under "more". */
const SELF_TESTS: Record<string, Array<{ name: string; label: string; preset?: Record<string, string> }>> = {
  idreader: [
    { name: 'samStatus', label: 'SAM 状态 / status' },
    { name: 'samReset', label: 'SAM 复位 / reset' },
    { name: 'readSamId', label: 'SAM ID' },
  ],
  printer: [{ name: 'printTestPage', label: '打印测试页 / test page' }],
  counterbus: [
    { name: 'identify', label: '识别 / identify', preset: { unit: '1' } },
    { name: 'beep', label: '蜂鸣 / beep', preset: { unit: '1', times: '2' } },
  ],
  qrscanner: [
    { name: 'selfTest', label: '扫码自检 / scan test' },
    { name: 'readSettings', label: '读取设置 / settings' },
  ],
};

export interface DeviceCardProps {
  status: DeviceStatus;
  actions: readonly TechDeviceAction[];
  frames: readonly DeviceFrameEntry[];
  canAct: boolean;
  now: number;
  run: (action: string, args: Record<string, unknown>) => Promise<Completion>;
}

const toOutcome = (c: Completion): ActionOutcome => ({ ok: c.code === 'success', code: c.code, message: c.message, result: c.result });

export function DeviceCard(p: DeviceCardProps) {
  const s = p.status;
  const quick = (SELF_TESTS[s.kind] ?? []).filter((q) => p.actions.some((a) => a.name === q.name));
  const more = p.actions.filter((a) => !quick.some((q) => q.name === a.name));
  const counters = Object.entries(s.counters ?? {});
  const run = async (name: string, args: Record<string, unknown>) => toOutcome(await p.run(name, args));
  // Frozen view of the frames (the reader polls several times a second; a technician reads one reply at leisure).
  const [frozen, setFrozen] = useState<readonly DeviceFrameEntry[] | null>(null);
  return (
    <section class={`tech-device state-${s.state}`} data-testid={`device-${s.id}`} data-state={s.state}>
      <header class="tech-device-head">
        <h2>
          {s.id} <small>{s.kind}</small>
        </h2>
        <span class={`tech-state state-${s.state}`} data-testid="state">
          {STATE_ZH[s.state] ?? s.state} / {s.state}
        </span>
      </header>
      <dl class="tech-facts">
        <dt>详情 detail</dt>
        <dd data-testid="detail">{s.detail}</dd>
        {s.paper && (
          <>
            <dt>纸 paper</dt>
            <dd data-testid="paper">{s.paper}</dd>
          </>
        )}
        {s.media && (
          <>
            <dt>介质 media</dt>
            <dd>{s.media}</dd>
          </>
        )}
        <dt>持续 since</dt>
        <dd>
          {clockTime(s.since)} ({ago(s.since, p.now)})
        </dd>
        <dt>最近错误 last error</dt>
        <dd data-testid="lastError">{s.lastError ? `${s.lastError.code}: ${s.lastError.message} (${clockTime(s.lastError.at)})` : '—'}</dd>
      </dl>
      {s.terminals && s.terminals.length > 0 && (
        <div class="tech-terminals">
          {s.terminals.map((t) => (
            <span key={t.unit} class={`tech-chip term-${t.state}`} title={t.model ? `${t.model} fw ${t.firmware ?? '?'}` : undefined}>
              #{t.unit} {t.state}
              {t.overflows ? ` · overflow ${t.overflows}` : ''}
            </span>
          ))}
        </div>
      )}
      {counters.length > 0 && (
        <div class="tech-counters" data-testid="counters">
          {counters.map(([k, v]) => (
            <span key={k} class="tech-counter">
              <span>{k}</span>
              <b>{v}</b>
            </span>
          ))}
        </div>
      )}
      {p.actions.length > 0 && (
        <div class="tech-selftests">
          <h3>自检 / self-tests {p.canAct ? '' : <small>(只读 / view only)</small>}</h3>
          {quick.map((q) => {
            const info = p.actions.find((a) => a.name === q.name)!;
            return (
              <ActionButton key={q.name} name={q.name} label={q.label} help={info.help} args={info.args} preset={q.preset} disabled={!p.canAct} run={(a) => run(q.name, a)} />
            );
          })}
          {more.length > 0 && (
            <details>
              <summary>更多操作 / more actions</summary>
              {more.map((a) => (
                <ActionButton key={a.name} name={a.name} help={a.help} args={a.args} disabled={!p.canAct} run={(args) => run(a.name, args)} />
              ))}
            </details>
          )}
        </div>
      )}
      <details class="tech-frames-box" open>
        <summary>最近帧 / last frames ({(frozen ?? p.frames).length})</summary>
        <label class="tech-pause">
          <input type="checkbox" checked={frozen !== null} onChange={() => setFrozen(frozen ? null : [...p.frames])} data-testid={`pause-${s.id}`} />
          暂停 / pause
        </label>
        <FrameTable deviceId={s.id} frames={frozen ?? p.frames} />
      </details>
    </section>
  );
}
