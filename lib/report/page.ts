import { el, esc } from './html';

/**
 * The page shell: inline CSS only (no fonts, images or scripts from anywhere), a palette that colour-blind
 * readers can tell apart (Okabe–Ito), text at WCAG AA contrast or better, and print styles that open
 * every data table.
 */
const CSS = `
:root{--ink:#1b1b1b;--muted:#4a4a4a;--line:#8a8a8a;--grid:#e3e3e3;--bg:#fff;--panel:#f6f6f6;
--weights:#0072b2;--kv:#e69f00;--act:#009e73;--graph:#cc79a7;--comm:#56b4e9;--other:#d55e00;--chosen:#0b3c8c;--alt1:#d55e00;--alt2:#009e73;--alt3:#cc79a7}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1000px;padding:16px 24px 48px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:var(--bg)}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:18px;margin:28px 0 6px;padding-top:10px;border-top:2px solid var(--ink)}h3{font-size:15px;margin:16px 0 4px}
p,li{max-width:78ch}.muted{color:var(--muted)}.absent{color:var(--muted);font-style:italic;padding:6px 10px;background:var(--panel);border-left:3px solid var(--line)}
table{border-collapse:collapse;margin:6px 0;font-variant-numeric:tabular-nums}td{white-space:nowrap}th,td{padding:3px 8px;border-bottom:1px solid var(--grid);text-align:right}tbody th,thead th:first-child,td:first-child{text-align:left}tbody th{font-weight:normal}thead th{border-bottom:1px solid var(--ink)}
table.models td{text-align:left}table.models td:nth-child(4),table.models td:nth-child(6){text-align:right}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:6px 0}dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
ul.warnings li{color:#7a3b00}
figure.fig{margin:12px 0;padding:8px 10px;background:var(--panel);border-radius:4px;break-inside:avoid}figcaption{font-weight:600;margin-bottom:4px}
.panels{display:flex;flex-wrap:wrap;gap:8px}
svg.chart{max-width:100%;height:auto;background:var(--bg);font-size:11px}svg text{fill:var(--ink)}svg .title{fill:var(--muted);font-size:12px}
.grid{stroke:var(--grid);fill:none}.domain{stroke:var(--ink);fill:none}.axis.x text,svg .title{text-anchor:middle}.axis.y .ticks text{text-anchor:end;dominant-baseline:central}
.seg{y:18px;height:38px;stroke:#fff;stroke-width:1}.s-weights{fill:var(--weights);background:var(--weights)}.s-kv{fill:var(--kv);background:var(--kv)}.s-act{fill:var(--act);background:var(--act)}.s-graph{fill:var(--graph);background:var(--graph)}.s-comm{fill:var(--comm);background:var(--comm)}.s-other{fill:var(--other);background:var(--other)}
.s-free{fill:#fff;stroke:var(--line);background:#fff}.s-reserved{fill:#c9c9c9;background:#c9c9c9}
.usable line{stroke:var(--ink);stroke-width:2;stroke-dasharray:4 2}.usable text{font-weight:600}.end{text-anchor:end}
.series .line{fill:none;stroke-width:2}.series .band{stroke:none;opacity:.18}.series .dots{fill:none;stroke-width:6;stroke-linecap:round}
.c-chosen{stroke:var(--chosen);fill:var(--chosen);background:var(--chosen)}.c-alt1{stroke:var(--alt1);fill:var(--alt1);background:var(--alt1)}.c-alt2{stroke:var(--alt2);fill:var(--alt2);background:var(--alt2)}.c-alt3{stroke:var(--alt3);fill:var(--alt3);background:var(--alt3)}
.c-alt1 .line{stroke-dasharray:6 3}.c-alt2 .line{stroke-dasharray:2 3}.c-alt3 .line{stroke-dasharray:8 3 2 3}
rect.op{width:10px;height:10px;stroke:var(--ink);stroke-width:1.5}rect.op.hollow{fill:#fff;stroke-width:2.5}rect.op.hollow.c-alt1{stroke:var(--alt1)}rect.op.hollow.c-alt2{stroke:var(--alt2)}rect.op.hollow.c-alt3{stroke:var(--alt3)}
.slo line{stroke:#b00020;stroke-width:1.5;stroke-dasharray:6 4}.slo text{fill:#b00020;font-weight:600;text-anchor:end}
.frontier{fill:none;stroke:var(--ink);stroke-width:1.5}
.cost .pts{fill:none;stroke:#9a9a9a;stroke-width:9;stroke-linecap:round}.cost circle{r:4.5px;fill:#9a9a9a;stroke:#fff;stroke-width:1}.cost circle.on-frontier{fill:var(--weights)}.cost circle.misses-slo{fill:#fff;stroke:#6b6b6b;stroke-width:1.5}.cost circle.chosen{r:7px;fill:var(--kv);stroke:var(--ink);stroke-width:2}
.callout{font-weight:700}
.to-max{fill:#9ecae9;background:#9ecae9}.to-min{fill:var(--weights);background:var(--weights)}.cost-row .name{text-anchor:end}
ul.legend{list-style:none;padding:0;margin:4px 0;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px}
.sw{display:inline-block;width:12px;height:12px;margin-right:5px;vertical-align:-1px;border:1px solid var(--line)}.sw.dot{border-radius:50%}.sw.cand{background:#9a9a9a}.sw.cand.on-frontier{background:var(--weights)}.sw.cand.misses-slo{background:#fff;border:1.5px solid #6b6b6b}.sw.cand.chosen{background:var(--kv);border:2px solid var(--ink)}
details.data{margin-top:4px}details.data summary{cursor:pointer;color:var(--chosen)}
@media print{body{max-width:none;padding:0;font-size:11px}h2{break-after:avoid}figure.fig{background:none;border:1px solid var(--grid)}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}details.data summary{display:none}details::details-content{content-visibility:visible;display:contents}}
`;

/** Opens the data tables before printing (browsers print a closed <details> closed). */
const PRINT_SCRIPT = "addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true})})";

/** A complete, self-contained HTML document. */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html>\n${el(
    'html',
    { lang: 'en' },
    el(
      'head',
      {},
      '<meta charset="utf-8">' +
        '<meta name="viewport" content="width=device-width,initial-scale=1">' +
        `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">` +
        el('title', {}, esc(title)) +
        el('style', {}, CSS),
    ) + el('body', {}, body + el('script', {}, PRINT_SCRIPT)),
  )}\n`;
}
