// The command dispatcher, flag parsing and the report charts, in-process (the commands
// themselves run end to end from the built bin in the repository's test/ folder).
import { describe, expect, it } from 'vitest';
import { captureIo as capture } from './capture-io';
import { intFlag, numberFlag, parseFlags, UsageError } from './args';
import { COMMANDS } from './commands/registry';
import { clock } from './progress';
import { barChartSvg, lineChartSvg } from './report/svg-chart';
import { runCli } from './run-cli';

describe('runCli', () => {
  it('--help lists every command with its summary', async () => {
    const io = capture();
    expect(await runCli(['--help'], io)).toBe(0);
    for (const c of COMMANDS) expect(io.outText.join('\n')).toContain(`  ${c.name}`);
    expect(COMMANDS.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'backends',
        'count',
        'prune-tokenizer',
        'arch',
        'inherit',
        'train',
        'eval',
        'convert2hf',
        'logits',
        'generate',
        'demo',
      ]),
    );
  });

  it('an unknown command exits 2 naming the commands; a bad flag exits 2 with the usage', async () => {
    const io = capture();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(io.errText[0]).toMatch(/unknown command "frobnicate"; commands: backends, /);
    const io2 = capture();
    expect(await runCli(['arch', '--preset', 'tiny-1m', '--bogus'], io2)).toBe(2);
    expect(io2.errText[0]).toMatch(/tinylm arch: .*bogus.*\nusage: tinylm arch/s);
  });

  it('a package error exits 1 with its message, no stack', async () => {
    const io = capture();
    expect(await runCli(['arch', '--preset', 'no-such-preset'], io)).toBe(1);
    expect(io.errText[0]).toMatch(/^tinylm arch: .*no-such-preset/);
    expect(io.errText[0]).not.toMatch(/\n\s+at /);
  });

  it('arch prints raw numbers with --json', async () => {
    const io = capture();
    expect(await runCli(['arch', '--preset', 'llama2-7b', '--json'], io)).toBe(0);
    expect(JSON.parse(io.outText[0]).params.total).toBe(6738415616);
  });
});

describe('flags', () => {
  it('intFlag and numberFlag name the flag and the bad value', () => {
    expect(intFlag('steps', '12')).toBe(12);
    expect(intFlag('seed', undefined, 0, 0)).toBe(0);
    expect(() => intFlag('steps', '1.5')).toThrow(/--steps must be a positive integer, got "1.5"/);
    expect(() => intFlag('seed', '-1', 0, 0)).toThrow(/--seed must be an integer >= 0, got "-1"/);
    expect(() => intFlag('batch', undefined)).toThrow(/--batch is required/);
    expect(numberFlag('lr', '3e-4', 1)).toBeCloseTo(3e-4);
    expect(numberFlag('top-p', undefined)).toBeUndefined();
    expect(() => numberFlag('lr', 'fast', 1)).toThrow(UsageError);
  });

  it('parseFlags turns an unknown option into a UsageError with the usage line', () => {
    expect(() => parseFlags(['--nope'], { json: { type: 'boolean' } }, 'tinylm x [--json]')).toThrow(/usage: tinylm x \[--json\]/);
  });

  it('clock formats durations', () => {
    expect(clock(61_000)).toBe('1:01');
    expect(clock(3_725_000)).toBe('1:02:05');
  });
});

describe('svg charts', () => {
  it('draws one polyline per series and a legend entry each, escaping names', () => {
    const svg = lineChartSvg('loss', 'step', 'nats', [
      {
        name: 'teacher <A>',
        points: [
          [1, 5],
          [2, 4],
          [3, 3.5],
        ],
      },
      {
        name: 'student',
        points: [
          [1, 6],
          [2, 5],
        ],
      },
    ]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('teacher &lt;A&gt;');
    expect(lineChartSvg('empty', 'x', 'y', [])).toContain('no data');
  });

  it('draws a bar per label with its value', () => {
    const svg = barChartSvg('ladder', 'bits per byte', [
      { label: 'baseline', value: 2.5 },
      { label: '+ tokenizer', value: 2.25 },
    ]);
    expect(svg.match(/<rect x=/g)).toHaveLength(2);
    expect(svg).toContain('2.500');
    expect(svg).toContain('+ tokenizer');
  });
});
