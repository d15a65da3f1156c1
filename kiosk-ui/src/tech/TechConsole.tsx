/**
 * The console after login: every device live from `/tech` (snapshot + deviceStatus + deviceFrames), its
 * self-tests, the last card event (masked by the bridge), and the simulators' controls when attached.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { StaffSession, TechDeviceAction, TechDeviceInfo } from '@onedoor/protocol';
import { clockTime } from './format.ts';
import { DeviceCard } from './parts/DeviceCard.tsx';
import { SimPanel } from './parts/SimPanel.tsx';
import { RecordingPanel } from './parts/RecordingPanel.tsx';
import { connectTech } from './techSocket.ts';

export interface TechConsoleProps {
  session: StaffSession;
  onLogout: () => void;
  /** The bridge refused or dropped the socket for want of a session. */
  onAuthLost: () => void;
}

export function TechConsole({ session, onLogout, onAuthLost }: TechConsoleProps) {
  const tech = useMemo(() => connectTech(), []);
  const [actions, setActions] = useState<Record<string, TechDeviceAction[]>>({});
  const [now, setNow] = useState(Date.now());
  useEffect(() => () => tech.close(), [tech]);
  useEffect(() => {
    // Actions do not change while the bridge runs: one REST call (the socket carries status and frames).
    void fetch('/api/tech/devices', { credentials: 'same-origin' })
      .then((r) => (r.ok ? (r.json() as Promise<TechDeviceInfo[]>) : []))
      .then((list) => setActions(Object.fromEntries(list.map((d) => [d.status.id, d.actions]))))
      .catch(() => undefined);
    const t = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(t);
  }, []);
  useEffect(() => {
    if (tech.authLost.value) onAuthLost();
  }, [tech.authLost.value]);

  const devices = tech.devices.value;
  const card = tech.lastCard.value;
  const code = tech.lastCode.value;
  return (
    <main class="tech" data-testid="tech-console">
      <header class="tech-top">
        <h1>设备维护 / Technician console</h1>
        <span class={`tech-conn conn-${tech.connection.value}`} data-testid="connection" data-state={tech.connection.value}>
          {tech.connection.value === 'connected' ? '已连接 / live' : tech.connection.value === 'connecting' ? '连接中 / connecting' : '已断开 / disconnected'}
        </span>
        <span class="tech-user" data-testid="user">
          {session.user} · {session.role}
          {session.canAct ? '' : ' · 只读 / view only'}
        </span>
        <button type="button" class="tech-button" onClick={onLogout} data-testid="logout">
          退出 / Log out
        </button>
      </header>
      {card && (
        <p class="tech-card-event" data-testid="card-event">
          {card.read
            ? `读卡 / card read on ${card.read.deviceId} at ${clockTime(card.read.at)}: ${card.read.holder.cardType} ${card.read.holder.idNumberMasked}${card.read.holder.valid === false ? ' (refused)' : ''}`
            : card.error
              ? `读卡错误 / card error on ${card.error.deviceId}: ${card.error.code} ${card.error.message}`
              : ''}
        </p>
      )}
      {code && (
        <p class="tech-card-event" data-testid="code-event">
          扫码 / code on {code.deviceId} at {clockTime(code.at)}: {code.preview} · #{code.seq}
        </p>
      )}
      <h2 class="tech-section">设备 / devices</h2>
      {devices === null ? (
        <p class="tech-muted">连接中 / connecting…</p>
      ) : devices.length === 0 ? (
        <p class="tech-muted">没有配置设备 / no devices configured</p>
      ) : (
        <div class="tech-devices">
          {devices.map((d) => (
            <DeviceCard
              key={d.id}
              status={d}
              actions={actions[d.id] ?? []}
              frames={tech.frames.value[d.id] ?? []}
              canAct={session.canAct}
              now={now}
              run={(action, args) => tech.run(d.id, action, args)}
            />
          ))}
        </div>
      )}
      <h2 class="tech-section">录制 / recordings</h2>
      <RecordingPanel canAct={session.canAct} />
      <h2 class="tech-section">模拟器 / simulators</h2>
      <SimPanel canAct={session.canAct} />
    </main>
  );
}
