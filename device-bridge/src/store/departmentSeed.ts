/**
 * The provincial departments (seed-data/departments.json: 43 departments in 3 batches of the 2016 provincial plan).
 * The file is data read by path (it sits beside the checkout, not in it); bad content throws naming what is wrong.
 */
import { readFileSync } from 'node:fs';
import type { NewDepartment } from './hallStore.ts';

interface SeedFile {
  batches: Array<{ batch: number; deadline: string; departments: string[] }>;
}

/** Departments in the seed's order (sortOrder 1..n), each with its batch and deadline. */
export function parseDepartmentSeed(json: unknown): NewDepartment[] {
  const seed = json as SeedFile;
  if (!seed || !Array.isArray(seed.batches)) throw new Error('department seed: "batches" must be an array');
  const out: NewDepartment[] = [];
  for (const b of seed.batches) {
    if (!Number.isInteger(b.batch)) throw new Error('department seed: every batch needs an integer "batch"');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(String(b.deadline))) throw new Error(`department seed: batch ${b.batch} deadline must be YYYY-MM-DD`);
    if (!Array.isArray(b.departments)) throw new Error(`department seed: batch ${b.batch} "departments" must be an array`);
    for (const name of b.departments) {
      if (typeof name !== 'string' || name.trim() === '') throw new Error(`department seed: batch ${b.batch} has an empty department name`);
      out.push({ name: name.trim(), batch: b.batch, batchDeadline: b.deadline, sortOrder: out.length + 1 });
    }
  }
  if (new Set(out.map((d) => d.name)).size !== out.length) throw new Error('department seed: a department is listed twice');
  return out;
}

export function loadDepartmentSeed(file: string): NewDepartment[] {
  return parseDepartmentSeed(JSON.parse(readFileSync(file, 'utf8')));
}
