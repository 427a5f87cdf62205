// Small dependency-free SVG charts for reports: line charts (loss curves) and bar charts (the
// reproduction ladder, in the style of the paper's improvement figure). Output is a standalone
// SVG document any browser or markdown viewer shows.

export interface Series {
  name: string;
  points: [number, number][];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

const W = 720;
const H = 420;
const M = { left: 64, right: 160, top: 40, bottom: 52 };

function frame(title: string, xLabel: string, yLabel: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">\n` +
    `<rect width="${W}" height="${H}" fill="white"/>\n` +
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>\n` +
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}</text>\n` +
    `<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>\n` +
    `${body}</svg>\n`
  );
}

/** A line chart of one or more series sharing axes. */
export function lineChartSvg(title: string, xLabel: string, yLabel: string, series: Series[]): string {
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (all.length === 0) return frame(title, xLabel, yLabel, '<text x="80" y="80">no data</text>\n');
  const [x0, x1] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  const [y0, y1] = [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))];
  const pad = (y1 - y0) * 0.05 || 1;
  const [ylo, yhi] = [y0 - pad, y1 + pad];
  const sx = (x: number) => M.left + ((x - x0) / (x1 - x0 || 1)) * (W - M.left - M.right);
  const sy = (y: number) => H - M.bottom - ((y - ylo) / (yhi - ylo)) * (H - M.top - M.bottom);
  let body = `<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#999"/>\n`;
  for (const t of niceTicks(ylo, yhi)) {
    body += `<line x1="${M.left}" x2="${W - M.right}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/><text x="${M.left - 6}" y="${sy(t) + 4}" text-anchor="end">${t}</text>\n`;
  }
  for (const t of niceTicks(x0, x1)) body += `<text x="${sx(t)}" y="${H - M.bottom + 16}" text-anchor="middle">${t}</text>\n`;
  series.forEach((s, i) => {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    const c = COLORS[i % COLORS.length];
    body += `<polyline fill="none" stroke="${c}" stroke-width="1.6" points="${pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>\n`;
    body += `<rect x="${W - M.right + 12}" y="${M.top + i * 20}" width="12" height="12" fill="${c}"/><text x="${W - M.right + 30}" y="${M.top + i * 20 + 10}">${esc(s.name)}</text>\n`;
  });
  return frame(title, xLabel, yLabel, body);
}

/** A bar chart: one bar per label, the value printed on it. */
export function barChartSvg(title: string, yLabel: string, bars: { label: string; value: number }[], digits = 3): string {
  const vals = bars.map((b) => b.value).filter(Number.isFinite);
  if (vals.length === 0) return frame(title, '', yLabel, '<text x="80" y="80">no data</text>\n');
  const [lo, hi] = [Math.min(...vals), Math.max(...vals)];
  const ylo = Math.max(0, lo - (hi - lo) * 0.5 - 1e-9);
  const yhi = hi + (hi - lo) * 0.15 + 1e-9;
  const plotW = W - M.left - 24;
  const sy = (y: number) => H - M.bottom - ((y - ylo) / (yhi - ylo)) * (H - M.top - M.bottom);
  const bw = plotW / bars.length;
  let body = '';
  for (const t of niceTicks(ylo, yhi))
    body += `<line x1="${M.left}" x2="${M.left + plotW}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/><text x="${M.left - 6}" y="${sy(t) + 4}" text-anchor="end">${t}</text>\n`;
  bars.forEach((b, i) => {
    const x = M.left + i * bw + bw * 0.15;
    const y = sy(b.value);
    body += `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(bw * 0.7).toFixed(1)}" height="${(H - M.bottom - y).toFixed(1)}" fill="${COLORS[i % COLORS.length]}"/>\n`;
    body += `<text x="${(x + bw * 0.35).toFixed(1)}" y="${(y - 6).toFixed(1)}" text-anchor="middle">${b.value.toFixed(digits)}</text>\n`;
    body += `<text x="${(x + bw * 0.35).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle" font-size="11">${esc(b.label)}</text>\n`;
  });
  return frame(title, '', yLabel, body);
}
