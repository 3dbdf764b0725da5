/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Reads the report's charts back from a page in a real browser: what each mark plots (its data-*
 * attributes), where the browser drew it (SVG geometry), and the axis ticks to map pixels back to values.
 */
import type { Page } from 'playwright-core';

export interface Tick {
  readonly value: number;
  readonly px: number;
}
export interface Seg {
  readonly key: string;
  readonly bytes: number;
  readonly x: number;
  readonly width: number;
}
export interface Dot {
  readonly data: Record<string, string>;
  readonly cls: string;
  readonly cx: number;
  readonly cy: number;
}
export interface Series {
  readonly label: string;
  readonly chosen: boolean;
  readonly dots: Dot[];
}
export interface Panel {
  readonly xTicks: Tick[];
  readonly yTicks: Tick[];
  /** Whether the y axis is logarithmic (the cost chart's, when costs span more than a decade). */
  readonly yLog: boolean;
  /** Points outside a series (the cost chart's candidates). */
  readonly dots: Dot[];
  /** Lines of points (the latency charts' configurations). */
  readonly series: Series[];
  /** The squares: each configuration at the workload's load. */
  readonly ops: Dot[];
  readonly slo?: { value: number; y: number };
}
export interface SectionReadback {
  readonly id: string;
  readonly model: string;
  readonly memory: { ticks: Tick[]; segs: Seg[]; usable: { bytes: number; x: number } };
  readonly latency: Record<string, Panel>;
  readonly cost?: Panel;
}

/** Every model section of the page, read in the browser. */
export function readSections(page: Page): Promise<SectionReadback[]> {
  return page.evaluate(() => {
    const ticks = (svg: Element, axis: string) =>
      [...svg.querySelectorAll(`g.axis.${axis} g.ticks text`)].map((t) => {
        const at = (t as SVGTextElement)[axis === 'x' ? 'x' : 'y'].baseVal[0]!.value;
        return { value: Number(t.getAttribute('data-value') ?? t.textContent!.replace(/,/g, '')), px: at };
      });
    const data = (e: Element) => Object.fromEntries([...e.attributes].filter((a) => a.name.startsWith('data-')).map((a) => [a.name.slice(5), a.value]));
    const centre = (e: Element) => {
      const b = (e as SVGGraphicsElement).getBBox();
      return { cx: b.x + b.width / 2, cy: b.y + b.height / 2 };
    };
    const panel = (svg: Element) => {
      const slo = svg.querySelector('g.slo');
      return {
        xTicks: ticks(svg, 'x'),
        yTicks: ticks(svg, 'y'),
        yLog: svg.querySelector('g.axis.y.log') !== null,
        // Circles, and the cost chart's plain points: one path of dots ("M x,y h0"), figures in order in data-*.
        dots: [
          ...[...svg.querySelectorAll('circle')].map((c) => ({ data: data(c), cls: c.getAttribute('class') ?? '', ...centre(c) })),
          ...[...svg.querySelectorAll('path.pts')].flatMap((path) => {
            const [tpot, cost] = ['data-tpot', 'data-cost'].map((a) => path.getAttribute(a)!.split(' '));
            const at = [...path.getAttribute('d')!.matchAll(/M(-?[\d.]+),(-?[\d.]+)h0/g)];
            if (at.length !== tpot!.length || at.length !== cost!.length) throw new Error(`${at.length} points, ${tpot!.length} and ${cost!.length} figures`);
            return at.map((m, i) => ({ data: { tpot: tpot![i]!, cost: cost![i]! }, cls: 'pts', cx: Number(m[1]), cy: Number(m[2]) }));
          }),
        ],
        series: [...svg.querySelectorAll('g.series')].map((g) => ({
          label: g.getAttribute('data-series')!,
          chosen: g.classList.contains('c-chosen'),
          // One path of dots: "M x,y h0" per point, the values in order in data-values.
          dots: (() => {
            const path = g.querySelector('path.dots')!;
            const values = path.getAttribute('data-values')!.split(' ');
            const at = [...path.getAttribute('d')!.matchAll(/M(-?[\d.]+),(-?[\d.]+)h0/g)];
            if (at.length !== values.length) throw new Error(`${at.length} dots, ${values.length} values`);
            return at.map((m, i) => ({ data: { value: values[i]! }, cls: '', cx: Number(m[1]), cy: Number(m[2]) }));
          })(),
        })),
        ops: [...svg.querySelectorAll('rect.op')].map((r) => ({ data: data(r), cls: r.getAttribute('class') ?? '', ...centre(r) })),
        slo: slo ? { value: Number(slo.getAttribute('data-value')), y: (slo.querySelector('line') as SVGLineElement).y1.baseVal.value } : undefined,
      };
    };
    return [...document.querySelectorAll('section.model')].map((section) => {
      const memory = section.querySelector('svg.chart.memory')!;
      const usable = memory.querySelector('g.usable')!;
      const cost = section.querySelector('svg.chart.cost');
      return {
        id: section.id,
        model: section.getAttribute('data-model')!,
        memory: {
          ticks: ticks(memory, 'x'),
          segs: [...memory.querySelectorAll('rect.seg')].map((r) => {
            const b = (r as SVGRectElement).getBBox();
            return { key: r.getAttribute('data-key')!, bytes: Number(r.getAttribute('data-bytes')), x: b.x, width: b.width };
          }),
          usable: { bytes: Number(usable.getAttribute('data-bytes')), x: (usable.querySelector('line') as SVGLineElement).x1.baseVal.value },
        },
        latency: Object.fromEntries([...section.querySelectorAll('svg.chart.latency')].map((svg) => [svg.classList.contains('ttft') ? 'ttft' : 'tpot', panel(svg)])),
        cost: cost ? panel(cost) : undefined,
      };
    });
  });
}

/** The pixel of a value on an axis, from two of its ticks (linear, or log2 for concurrency). */
export function pixelOf(ticks: readonly Tick[], value: number, log = false): number {
  if (ticks.length < 2) throw new Error('an axis needs two ticks to be read back');
  const f = (v: number) => (log ? Math.log2(v) : v);
  const [a, b] = [ticks[0]!, ticks[ticks.length - 1]!];
  return a.px + ((f(value) - f(a.value)) * (b.px - a.px)) / (f(b.value) - f(a.value));
}

/** The value at a pixel of an axis: the inverse of `pixelOf`. */
export function valueAt(ticks: readonly Tick[], at: number, log = false): number {
  if (ticks.length < 2) throw new Error('an axis needs two ticks to be read back');
  const f = (v: number) => (log ? Math.log2(v) : v);
  const [a, b] = [ticks[0]!, ticks[ticks.length - 1]!];
  const v = f(a.value) + ((at - a.px) * (f(b.value) - f(a.value))) / (b.px - a.px);
  return log ? 2 ** v : v;
}

/** Text colour against its background for every piece of text on the page (WCAG contrast ratio). */
export function readContrast(page: Page): Promise<{ text: string; ratio: number }[]> {
  return page.evaluate(() => {
    const rgb = (css: string) => {
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(css);
      return m ? { rgb: [Number(m[1]), Number(m[2]), Number(m[3])], alpha: m[4] === undefined ? 1 : Number(m[4]) } : undefined;
    };
    const luminance = ([r, g, b]: number[]) => {
      const f = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    const background = (e: Element | null): number[] => {
      for (let at = e; at; at = at.parentElement) {
        const c = rgb(getComputedStyle(at).backgroundColor);
        if (c && c.alpha > 0) return c.rgb;
      }
      return [255, 255, 255];
    };
    const out: { text: string; ratio: number }[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const e = node.parentElement!;
      if (!node.textContent!.trim() || e.closest('script, style, title') || ((e as HTMLElement).offsetParent === null && !(e instanceof SVGElement))) continue;
      const style = getComputedStyle(e);
      const fg = rgb(e instanceof SVGElement ? style.fill : style.color);
      if (!fg) continue;
      const [a, b] = [luminance(fg.rgb), luminance(background(e))];
      out.push({ text: node.textContent!.trim().slice(0, 40), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) });
    }
    return out;
  });
}

/** Whether each data table is visible, on screen (folded in a closed <details>) and when printed (open). */
export async function tableVisibility(page: Page): Promise<{ screen: boolean[]; print: boolean[] }> {
  const visible = () => page.evaluate(() => [...document.querySelectorAll('details.data table')].map((t) => t.checkVisibility()));
  const screen = await visible();
  await page.emulateMedia({ media: 'print' });
  try {
    return { screen, print: await visible() };
  } finally {
    await page.emulateMedia({ media: 'screen' });
  }
}

/** The stack's $/hour-by-model bars: each model's figures and where its two bars end. */
export function readCostRows(page: Page): Promise<{ ticks: Tick[]; rows: { model: string; min: number; max: number; minEnd: number; maxEnd: number }[] }> {
  return page.evaluate(() => {
    const svg = document.querySelector('svg.chart.cost-by-model');
    if (!svg) return { ticks: [], rows: [] };
    const end = (r: Element) => {
      const b = (r as SVGRectElement).getBBox();
      return b.x + b.width;
    };
    return {
      ticks: [...svg.querySelectorAll('g.axis.x g.ticks text')].map((t) => ({
        value: Number(t.getAttribute('data-value') ?? t.textContent!.replace(/,/g, '')),
        px: (t as SVGTextElement).x.baseVal[0]!.value,
      })),
      rows: [...svg.querySelectorAll('g.cost-row')].map((g) => ({
        model: g.getAttribute('data-model')!,
        min: Number(g.getAttribute('data-min')),
        max: Number(g.getAttribute('data-max')),
        minEnd: end(g.querySelector('rect.to-min')!),
        maxEnd: end(g.querySelector('rect.to-max')!),
      })),
    };
  });
}
