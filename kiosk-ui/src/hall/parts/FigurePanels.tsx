/**
 * Queue, today and time-limit panels (hall-rules.md "Figures for managers", "Ratings", "Time-limit
 * board").
 */
import { COUNTER_RATINGS, type DashboardQueue, type DashboardTimeLimits, type DashboardToday } from '@onedoor/protocol';
import { agoText, minutesText, WINDOW_STATE_WORDS } from '../format.ts';
import { BarChart } from './BarChart.tsx';

function Figure({ label, value, testId }: { label: string; value: string | number; testId?: string }) {
  return (
    <div class="hall-figure" data-testid={testId}>
      <span class="hall-figure-value">{value}</span>
      <span class="hall-figure-label">{label}</span>
    </div>
  );
}

/** `now`: the bridge's clock (ages of calls and holds are the hall's, not this browser's). */
export function QueuePanel({ queue, now }: { queue: DashboardQueue; now: number }) {
  return (
    <section class="hall-panel" data-testid="queue">
      <h2 class="hall-section">排队 / queue</h2>
      <div class="hall-figures">
        <Figure label="等候中 / waiting" value={queue.waiting} testId="fig-waiting" />
        <Figure label="平均等候 / avg wait" value={minutesText(queue.averageWaitMs)} />
        <Figure label="最长等候 / longest wait" value={minutesText(queue.longestWaitMs)} />
        <Figure label="当前最久 / oldest waiting" value={minutesText(queue.longestWaitingNowMs)} />
        <Figure label="平均办理 / avg service" value={minutesText(queue.averageServiceMs)} />
      </div>
      <div class="hall-charts">
        <div>
          <h3>各类等候人数 / waiting per category</h3>
          <BarChart title="waiting per category" testId="chart-waiting" bars={queue.categories.map((c) => ({ label: `${c.letter} ${c.name}`, value: c.waiting }))} />
        </div>
        <div>
          <h3>各类平均等候 / average wait</h3>
          <BarChart
            title="average wait per category"
            bars={queue.categories.map((c) => ({ label: `${c.letter} ${c.name}`, value: c.averageWaitMs ?? 0, valueText: minutesText(c.averageWaitMs) }))}
          />
        </div>
      </div>
      <h3>窗口 / windows</h3>
      {queue.windows.length === 0 ? (
        <p class="hall-muted">没有配置窗口 / no windows</p>
      ) : (
        <table class="hall-table" data-testid="windows">
          <thead>
            <tr>
              <th>窗口 / window</th>
              <th>状态 / state</th>
              <th>票号 / ticket</th>
              <th>类别 / categories</th>
              {/* Services finished here: a visit of several windows counts at each (README "For managers: the dashboard"). */}
              <th>办件 / services done</th>
              <th>办理时长 / busy</th>
            </tr>
          </thead>
          <tbody>
            {queue.windows.map((w) => (
              <tr key={w.window} data-state={w.state}>
                <td>{w.window} 号窗口</td>
                <td class={`window-${w.state}`}>{WINDOW_STATE_WORDS[w.state] ?? w.state}</td>
                <td>{w.ticketNumber ?? '—'}</td>
                <td>{w.categories.length ? w.categories.join(' ') : '全部 / all'}</td>
                <td>{w.served ?? 0}</td>
                <td>{minutesText(w.busyMs ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ServiceLevels queue={queue} />
      <CallReasons queue={queue} now={now} />
    </section>
  );
}

/** Crossed service-level limits, red first; colour is never the only cue (the words say 红/黄). */
function ServiceLevels({ queue }: { queue: DashboardQueue }) {
  const levels = queue.serviceLevels ?? [];
  return (
    <>
      <h3>服务水平 / service levels</h3>
      {levels.length === 0 ? (
        <p class="hall-muted" data-testid="service-levels-ok">均在限值内 / all within limits</p>
      ) : (
        <table class="hall-table" data-testid="service-levels">
          <tbody>
            {levels.map((l) => (
              <tr key={`${l.scope}-${l.key}-${l.measure}`} class={`limit-${l.state}`} data-state={l.state}>
                <td>{l.state === 'red' ? '红 / red' : '黄 / yellow'}</td>
                <td>{l.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** Why each ticket was called (the calling rules of README "Running the hall floor") and the hold pool. */
function CallReasons({ queue, now }: { queue: DashboardQueue; now: number }) {
  const calls = queue.recentCalls ?? [];
  const holds = queue.holds ?? [];
  return (
    <>
      <h3>叫号原因 / why called</h3>
      {calls.length === 0 ? (
        <p class="hall-muted">今日尚未叫号 / no calls yet today</p>
      ) : (
        <table class="hall-table" data-testid="call-reasons">
          <thead>
            <tr><th>时间 / time</th><th>票号 / ticket</th><th>窗口 / window</th><th>原因 / reason</th></tr>
          </thead>
          <tbody>
            {calls.map((c) => (
              <tr key={`${c.ticketNumber}-${c.at}`}>
                <td>{agoText(c.at, now)}</td>
                <td>{c.ticketNumber}</td>
                <td>{c.window}</td>
                <td>{c.reason ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {holds.length > 0 && (
        <>
          <h3>暂离等候 / hold pool</h3>
          <table class="hall-table" data-testid="holds">
            <thead>
              <tr><th>票号 / ticket</th><th>窗口 / window</th><th>剩余 / left</th></tr>
            </thead>
            <tbody>
              {holds.map((h) => (
                <tr key={h.ticketId}>
                  <td>{h.ticketNumber}</td>
                  <td>{h.window}</td>
                  <td>{minutesText(Math.max(0, h.untilAt - now))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}

export function TodayPanel({ today }: { today: DashboardToday }) {
  return (
    <section class="hall-panel" data-testid="today">
      <h2 class="hall-section">今日 / today ({today.day})</h2>
      <div class="hall-figures">
        <Figure label="取号 / tickets" value={today.tickets} testId="fig-tickets" />
        <Figure label="已办结 / served" value={today.served} testId="fig-served" />
        <Figure label="过号 / no-shows" value={today.noShows} />
        <Figure label="预约签到 / appointments checked in" value={`${today.appointmentsCheckedIn} / ${today.appointmentsBooked}`} />
        <Figure label="未处理差评 / open bad reviews" value={today.openBadReviews.length} />
      </div>
      <div class="hall-charts">
        <div>
          <h3>好差评 / ratings</h3>
          <BarChart
            title="ratings"
            testId="chart-ratings"
            bars={COUNTER_RATINGS.map((r) => ({ label: r.zh, value: today.ratings[r.rating - 1] ?? 0, tone: r.bad ? 'bad' : 'good' }))}
          />
        </div>
        <div>
          <h3>预约 / appointments</h3>
          <BarChart
            title="appointments"
            bars={[
              { label: '已预约 booked', value: today.appointmentsBooked },
              { label: '已签到 checked in', value: today.appointmentsCheckedIn, tone: 'good' },
            ]}
          />
        </div>
      </div>
      {today.openBadReviews.length > 0 && (
        <>
          <h3>差评跟进 / bad reviews to follow up</h3>
          <table class="hall-table" data-testid="bad-reviews">
            <thead>
              <tr>
                <th>票号 / ticket</th>
                <th>窗口 / window</th>
                <th>评价 / rating</th>
                <th>期限 / deadline</th>
              </tr>
            </thead>
            <tbody>
              {today.openBadReviews.map((b) => (
                <tr key={`${b.ticketNumber}-${b.openedDay}`}>
                  <td>{b.ticketNumber}</td>
                  <td>{b.window}</td>
                  <td>{COUNTER_RATINGS[b.rating - 1]?.zh ?? b.rating}</td>
                  <td>{b.deadlineDay}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

export function TimeLimitPanel({ limits }: { limits: DashboardTimeLimits }) {
  return (
    <section class="hall-panel" data-testid="time-limits">
      <h2 class="hall-section">办理时限 / time limits</h2>
      <div class="hall-figures">
        <Figure label="✕ 超期 / red (overdue)" value={limits.red} testId="fig-red" />
        <Figure label="! 临期 / yellow" value={limits.yellow} testId="fig-yellow" />
      </div>
      {limits.items.length > 0 && (
        <table class="hall-table">
          <thead>
            <tr>
              <th>灯 / state</th>
              <th>流水号 / serial</th>
              <th>事项 / service</th>
              <th>申请人 / applicant</th>
              <th>环节 / step</th>
              <th>到期 / due</th>
              <th>剩余工作日 / days left</th>
            </tr>
          </thead>
          <tbody>
            {limits.items.map((i) => (
              <tr key={i.serial} class={`limit-${i.state}`}>
                <td>{i.state === 'red' ? '✕ 超期 red' : '! 临期 yellow'}</td>
                <td>{i.serial}</td>
                <td>{i.serviceName}</td>
                <td>{i.maskedNumber}</td>
                <td>
                  {i.statusName}
                  {i.stepOverLimit ? ' (环节超时)' : ''}
                </td>
                <td>{i.dueDay}</td>
                <td>{i.remainingWorkingDays}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
