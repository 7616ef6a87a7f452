/**
 * The 180-day timeline as plain SVG: a day axis with month ticks and one marker per point, stacked
 * when several fall on the same day. No chart library: the series is a few dozen discrete events,
 * not a curve, and SVG with the host theme's CSS variables is what a library would draw here
 * anyway, for 0 bytes of dependency.
 */
import type { TimelineSeries } from '../model/timeline';
import { svg } from './dom';

const WIDTH = 900;
const LEFT = 16;
const RIGHT = 16;
const STEP = 14;

export function timelineChart(series: TimelineSeries): SVGElement {
  const from = Date.parse(series.from);
  const x = (day: number) => LEFT + ((WIDTH - LEFT - RIGHT) * day) / series.days;
  // As tall as the highest stack of points on one day.
  const perDay = new Map<number, number>();
  for (const p of series.points) perDay.set(p.day, (perDay.get(p.day) ?? 0) + 1);
  const tallest = Math.max(1, ...perDay.values());
  const AXIS_Y = 24 + tallest * STEP;
  const HEIGHT = AXIS_Y + 30;
  const chart = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: 'img',
    'aria-label': `Expiries in the next ${series.days} days: ${series.points.length}`,
    class: 'timeline',
    id: 'timeline',
  });
  chart.append(svg('line', { x1: x(0), x2: x(series.days), y1: AXIS_Y, y2: AXIS_Y, class: 'axis' }));
  // A tick on the first day of each month in the window.
  const start = new Date(from);
  for (let m = 1; m <= Math.ceil(series.days / 28); m += 1) {
    const tick = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + m, 1);
    const day = (tick - from) / 86_400_000;
    if (day > series.days) break;
    const label = new Date(tick).toISOString().slice(0, 7);
    chart.append(
      svg('line', { x1: x(day), x2: x(day), y1: AXIS_Y - 4, y2: AXIS_Y + 4, class: 'tick' }),
      svg('text', { x: x(day), y: AXIS_Y + 18, class: 'tick-label', 'text-anchor': 'middle' }, label),
    );
  }
  chart.append(
    svg('text', { x: x(0), y: AXIS_Y + 18, class: 'tick-label', 'text-anchor': 'start' }, 'today'),
  );
  const stacked = new Map<number, number>();
  for (const point of series.points) {
    const level = stacked.get(point.day) ?? 0;
    stacked.set(point.day, level + 1);
    const cy = AXIS_Y - 12 - level * STEP;
    const title = `${point.at.slice(0, 10)} (in ${point.day} days): ${point.label} (${point.kind})`;
    const marker =
      point.kind === 'issuer'
        ? svg('rect', {
            x: x(point.day) - 6,
            y: cy - 6,
            width: 12,
            height: 12,
            class: `point issuer status-${point.status}`,
          })
        : svg('circle', { cx: x(point.day), cy, r: 6, class: `point ${point.kind} status-${point.status}` });
    marker.setAttribute('data-kind', point.kind);
    marker.setAttribute('data-day', String(point.day));
    marker.append(svg('title', {}, title));
    chart.append(marker);
  }
  return chart;
}
