/**
 * One visit, several windows (多窗联办; README "Running the hall floor", visits): the steps of a ticket that carries
 * several services, as the kiosk, the phone page and the hall display show them. Category letters and names only,
 * never personal data.
 */

/** `serving`: called or served at a window now; `skipped`: the visit ended before it. */
export type VisitStepState = 'waiting' | 'serving' | 'done' | 'skipped';

export interface VisitStepView {
  /** 1-based, in the citizen's order. */
  position: number;
  category: string;
  categoryName: string;
  state: VisitStepState;
}

/** Where the citizen goes next, in words (`下一步：请到 社保医保 等候 (第 2/3 项)`). */
export interface VisitNextStep {
  position: number;
  of: number;
  category: string;
  categoryName: string;
  zh: string;
  en: string;
}

export interface VisitView {
  steps: VisitStepView[];
  /**
   * Waiting at a later step (an earlier one was finished): that step. Served at a step that is not the last: the one
   * after it. Otherwise null.
   */
  next: VisitNextStep | null;
}

/** The next-step words of hall-rules.md style: the same text on the display, the phone page and the kiosk. */
export function visitNextWords(categoryName: string, position: number, of: number): { zh: string; en: string } {
  return {
    zh: `下一步：请到 ${categoryName} 等候 (第 ${position}/${of} 项)`,
    en: `Next: please wait for ${categoryName} (service ${position} of ${of})`,
  };
}

/** The next step of a visit (see `VisitView.next`). */
export function visitNextOf(steps: readonly VisitStepView[]): VisitNextStep | null {
  const i = steps.findIndex((s) => s.state === 'waiting' || s.state === 'serving');
  if (i < 0) return null;
  const target = steps[i].state === 'serving' ? steps[i + 1] : i > 0 ? steps[i] : undefined;
  if (!target) return null;
  return {
    position: target.position, of: steps.length, category: target.category, categoryName: target.categoryName,
    ...visitNextWords(target.categoryName, target.position, steps.length),
  };
}
