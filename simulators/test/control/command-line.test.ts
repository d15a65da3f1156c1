import { describe, expect, it } from 'vitest';
import { actionWords, resolveAction, tokenize, type SimSummary } from '../../src/cli/command-line.ts';

const a = (name: string, ...args: string[]) => ({ name, args, help: '' });
const link = [a('vanish', 'ms'), a('restore')];
const sims: SimSummary[] = [
  { id: 'idreader', kind: 'idreader', actions: [a('place-card', 'holder'), a('remove-card'), a('fault', 'kind', 'count'), ...link] },
  { id: 'printer', kind: 'printer', actions: [a('paper', 'state'), a('paper-length', 'mm'), a('cutterError'), ...link] },
  { id: 'counterbus', kind: 'counterbus', actions: [a('press', 'unit', 'key', 'arg'), a('rate', 'unit', 'rating'), a('fault-noise', 'level'), ...link] },
];

describe('prompt command resolution', () => {
  it('splits action names into words and lines into tokens (quotes kept together)', () => {
    expect(actionWords('place-card')).toEqual(['place', 'card']);
    expect(actionWords('cutterError')).toEqual(['cutter', 'error']);
    expect(actionWords('fault_noise')).toEqual(['fault', 'noise']);
    expect(tokenize(`place card "JOHN SMITH" x='a b'`)).toEqual(['place', 'card', 'JOHN SMITH', 'x=a b']);
  });

  it('maps the phrases from the issue onto device actions', () => {
    expect(resolveAction('place card zhang-sanfeng', sims)).toEqual({ id: 'idreader', name: 'place-card', args: { holder: 'zhang-sanfeng' } });
    expect(resolveAction('remove card', sims)).toEqual({ id: 'idreader', name: 'remove-card', args: {} });
    expect(resolveAction('paper out', sims)).toEqual({ id: 'printer', name: 'paper', args: { state: 'out' } });
    expect(resolveAction('press 3 callNext', sims)).toEqual({ id: 'counterbus', name: 'press', args: { unit: '3', key: 'callNext' } });
    expect(resolveAction('rate 3 1', sims)).toEqual({ id: 'counterbus', name: 'rate', args: { unit: '3', rating: '1' } });
  });

  it('prefers the longest action name, accepts the name as typed, a device prefix and name=value args', () => {
    expect(resolveAction('paper length 40', sims)).toMatchObject({ name: 'paper-length', args: { mm: '40' } });
    expect(resolveAction('fault noise on', sims)).toMatchObject({ id: 'counterbus', name: 'fault-noise' });
    expect(resolveAction('fault checksum 2', sims)).toMatchObject({ id: 'idreader', name: 'fault', args: { kind: 'checksum', count: '2' } });
    expect(resolveAction('cutterError', sims)).toMatchObject({ id: 'printer', name: 'cutterError' });
    expect(resolveAction('cutter error', sims)).toMatchObject({ id: 'printer', name: 'cutterError' });
    expect(resolveAction('press unit=4 key=transfer arg=2', sims).args).toEqual({ unit: '4', key: 'transfer', arg: '2' });
    expect(resolveAction('printer vanish 2000', sims)).toEqual({ id: 'printer', name: 'vanish', args: { ms: '2000' } });
    expect(resolveAction('vanish printer 2000', sims)).toEqual({ id: 'printer', name: 'vanish', args: { ms: '2000' } });
  });

  it('lets the last argument take the rest of the line (names with spaces)', () => {
    expect(resolveAction('place card JOHN SMITH', sims).args).toEqual({ holder: 'JOHN SMITH' });
  });

  it('explains unknown, ambiguous and over-long commands', () => {
    expect(() => resolveAction('launch rockets', sims)).toThrow(/no simulator has an action "launch rockets"/);
    expect(() => resolveAction('printer press 3', sims)).toThrow(/printer has an action "press 3"|printer has/);
    expect(() => resolveAction('restore', sims)).toThrow(/"restore" exists on idreader, printer, counterbus: put the device first/);
    expect(() => resolveAction('remove card now', sims)).toThrow(/remove-card takes no more arguments, got "now"/);
    expect(() => resolveAction('   ', sims)).toThrow(/empty command/);
  });
});
