/**
 * The login form shown to anyone without a session (README "For technicians: the console", access:
 * /tech refuses anonymous access).
 */
import { useState } from 'preact/hooks';
import type { StaffSession } from '@onedoor/protocol';
import { login } from '../techApi.ts';

/** `title`: the staff screen's name (the manager dashboard /hall uses the same form). */
export function LoginForm({ onLogin, notice, title = '设备维护 / Technician console' }: { onLogin: (s: StaffSession) => void; notice?: string; title?: string }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await login(name.trim(), password);
    setBusy(false);
    setPassword('');
    if (r.ok) onLogin(r.value);
    else setError(r.status === 429 ? `尝试次数过多 / ${r.message}` : r.status === 401 ? '用户名或密码错误 / wrong user name or password' : r.message);
  };
  return (
    <main class="tech-login" data-testid="tech-login">
      <form onSubmit={(e) => void submit(e)}>
        <h1>{title}</h1>
        <p class="tech-muted">请登录 / Please log in</p>
        {notice && <p class="tech-notice">{notice}</p>}
        <label>
          用户名 / user
          <input name="user" autocomplete="username" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} required />
        </label>
        <label>
          密码 / password
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            value={password}
            onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)}
            required
          />
        </label>
        {error && (
          <p class="tech-error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" class="tech-button primary" disabled={busy}>
          {busy ? '…' : '登录 / Log in'}
        </button>
      </form>
    </main>
  );
}
