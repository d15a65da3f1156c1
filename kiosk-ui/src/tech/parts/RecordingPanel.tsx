/**
 * Device-traffic recordings (README "Record and replay"): whether the bridge is recording, start and stop, the
 * alert when a recording stopped by itself (disk full, size limit), and the files to download (masked at the
 * source, so one can go to a vendor), and replaying one against simulators (ReplayPanel).
 */
import { useEffect, useState } from 'preact/hooks';
import {
  fetchRecordings, fetchReplay, recordingUrl, startRecording, startReplay, stopRecording, stopReplay, type RecorderView, type ReplayView,
} from '../techApi.ts';
import { ReplayPanel } from './ReplayPanel.tsx';

const POLL_MS = 2_000;
/** While a replay runs its progress is polled faster. */
const REPLAY_POLL_MS = 700;

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

export function RecordingPanel({ canAct }: { canAct: boolean }) {
  const [view, setView] = useState<RecorderView | null>(null);
  const [problem, setProblem] = useState('');
  const [replay, setReplay] = useState<ReplayView | null>(null);
  const [replayRefused, setReplayRefused] = useState('');
  const refresh = async () => {
    const r = await fetchRecordings();
    if (r.ok) setView(r.value);
    else setProblem(r.message);
  };
  const refreshReplay = async () => {
    const r = await fetchReplay();
    if (r.ok) setReplay(r.value.replay);
  };
  useEffect(() => {
    void refresh();
    if (canAct) void refreshReplay();
    const t = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(t);
  }, []);
  const replaying = replay?.state === 'starting' || replay?.state === 'running';
  useEffect(() => {
    if (!replaying) return;
    const t = setInterval(() => void refreshReplay(), REPLAY_POLL_MS);
    return () => clearInterval(t);
  }, [replaying]);
  const replayFile = async (name: string) => {
    const r = await startReplay(name);
    // A refusal (a newer format version, named; an unreadable file; one already running) is shown as said.
    setReplayRefused(r.ok ? '' : `${name}: ${r.message}`);
    if (r.ok) setReplay(r.value.replay);
  };
  const toggle = async () => {
    const r = view?.status.recording ? await stopRecording() : await startRecording();
    setProblem(r.ok ? '' : r.message);
    await refresh();
  };
  if (!view) return <p class="tech-muted">{problem || '加载中 / loading…'}</p>;
  const s = view.status;
  return (
    <div class="tech-recordings" data-testid="recordings">
      <p data-testid="recording-state" data-recording={String(s.recording)}>
        {s.recording ? `录制中 / recording ${s.session} (${s.startedBy}, ${size(s.bytes)})` : '未录制 / not recording'}
        {canAct && (
          <button type="button" class="tech-button" onClick={() => void toggle()} data-testid="recording-toggle">
            {s.recording ? '停止录制 / Stop recording' : '开始录制 / Start recording'}
          </button>
        )}
      </p>
      {s.lastError && (
        <p class="tech-alert" role="alert" data-testid="recording-alert">
          录制已停止 / {s.lastError.message} ({s.lastError.at})
        </p>
      )}
      {problem && <p class="tech-alert" role="alert">{problem}</p>}
      {replayRefused && (
        <p class="tech-alert" role="alert" data-testid="replay-refused">
          不能回放 / cannot replay {replayRefused}
        </p>
      )}
      {replay && <ReplayPanel view={replay} onStop={() => void stopReplay().then(refreshReplay)} />}
      {view.files.length === 0 ? (
        <p class="tech-muted">没有录制文件 / no recordings</p>
      ) : (
        <table class="tech-table">
          <tbody>
            {view.files.map((f) => (
              <tr key={f.name} data-testid="recording-file">
                <td>{f.name}</td>
                <td>{size(f.bytes)}</td>
                <td>{f.modifiedAt}</td>
                <td>{canAct ? <a href={recordingUrl(f.name)} download={f.name}>下载 / download</a> : null}</td>
                <td>
                  {canAct ? (
                    <button type="button" class="tech-button" disabled={replaying} onClick={() => void replayFile(f.name)} data-testid="replay-start">
                      回放 / Replay
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
