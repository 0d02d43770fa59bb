import { describe, expect, it } from 'vitest';
import { layoutWhere, phaseAllThreadsCpuMs, phaseCpuMs } from './ui';

const mark = (name: string, ts: number) => ({ name, ph: 'I', ts, pid: 1, tid: 1 });
const task = (ts: number, dur: number, tdur: number, tid = 1) => ({ name: 'RunTask', ph: 'X', ts, dur, tdur, pid: 1, tid });

describe('phaseCpuMs', () => {
  it("sums the main thread's task CPU between each start and end mark, a straddling task for its share", () => {
    const events = [
      mark('kb:one-delta:start', 1000),
      task(900, 200, 100), // half inside: 50 µs
      task(1200, 300, 300),
      task(1200, 300, 300, 2), // another thread: not the page's main thread
      mark('kb:one-delta:end', 2000),
      task(2100, 100, 100), // between the runs
      mark('kb:one-delta:start', 3000),
      task(3000, 1000, 400),
      mark('kb:one-delta:end', 4000),
    ];
    expect(phaseCpuMs(events, 'one-delta')).toEqual([0.35, 0.4]);
    expect(phaseCpuMs(events, 'search')).toEqual([]);
  });
});

describe('phaseAllThreadsCpuMs', () => {
  it("sums every thread's top-level tasks (raster workers' too) in the phase's first window", () => {
    const events = [
      mark('kb:graph-pan:start', 1000),
      task(900, 200, 100), // half inside: 50 µs
      task(1200, 300, 300, 2), // the compositor, say
      { name: 'ThreadPool_RunTask', ph: 'X', ts: 1500, dur: 100, tdur: 80, pid: 2, tid: 7 }, // a raster worker in another process
      { name: 'Paint', ph: 'X', ts: 1200, dur: 100, tdur: 100, pid: 1, tid: 1 }, // inside a task: not counted again
      mark('kb:graph-pan:end', 2000),
      task(2100, 100, 100),
    ];
    expect(phaseAllThreadsCpuMs(events, 'graph-pan')).toBeCloseTo(0.43);
    expect(phaseAllThreadsCpuMs(events, 'search')).toBeNull();
  });
});

describe('layoutWhere', () => {
  it('labels the graph layout row with where every run says its layout ran, naming each where they differ', () => {
    expect(layoutWhere(new Set(['main']))).toBe("on the page's main thread");
    expect(layoutWhere(new Set(['worker']))).toBe('in the layout worker');
    expect(layoutWhere(new Set(['worker', 'main']))).toBe('(where: main, worker)');
    expect(layoutWhere(new Set())).toBe('(where: no run)');
  });
});
