/**
 * Settings of result collection (README "Collecting results (领取结果)"): the queue category of pickup tickets and
 * after how many days a result nobody collected is listed for managers.
 */
import { z } from 'zod';

export const resultsConfigSchema = z
  .object({
    pickupCategory: z.string().regex(/^[A-Z]$/, { message: 'must be one capital letter A-Z (a queue category)' }).default('R')
      .meta({ description: 'Queue category of pickup tickets (领取结果 / 出证): issued only from a finished application on the kiosk, never as a walk-in. It must be in the catalogue\'s categories; windows that list it call it first when counterWorkflow.callingRules.firstCategories names it.' }),
    uncollectedAfterDays: z.number().int().min(1).max(365).default(10)
      .meta({ description: 'A finished (办结) application whose result was not collected, posted or issued this many days after it was finished is listed on the dashboard.', unit: 'days' }),
  })
  .strict()
  .prefault({});

export type ResultsConfig = z.output<typeof resultsConfigSchema>;

export const DEFAULT_RESULTS_CONFIG: ResultsConfig = resultsConfigSchema.parse({});
