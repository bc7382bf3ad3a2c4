// gantoy live chart (Streamlit components v2, mounted in the page itself): a plotly chart that is updated
// in place with Plotly.react on every new figure. st.plotly_chart remounts its chart whenever the
// figure's data change (streamlit#16052), so a chart redrawn several times a second is blank for part
// of every redraw; this one keeps its div. plotly.js and the template are loaded once per page from the
// URLs in `data` (files served by a v1 component folder, see livechart.py).
function loadOnce(name, make) {
  const cache = (window.__gantoyLive = window.__gantoyLive || {});
  return cache[name] || (cache[name] = make());
}

function loadPlotly(url) {
  return loadOnce("plotly", () => window.Plotly ? Promise.resolve(window.Plotly) : new Promise((ok, fail) => {
    const s = document.createElement("script");
    s.src = url;
    s.onload = () => ok(window.Plotly);
    s.onerror = () => fail(new Error("could not load " + url));
    document.head.appendChild(s);
  }));
}

function loadTemplate(url) {
  return loadOnce("template:" + url, () => fetch(url).then((r) => r.json()));
}

const AXIS = /^[xy]axis\d*$/;  // a layout key naming a cartesian axis

// The frame's "shape": everything but the traces' x/y arrays and the axes' ranges. Two frames of the same
// shape differ only in where the curves and points are.
function shapeOf(fig, layout) {
  const data = (fig.data || []).map((t) => JSON.stringify(t, (k, v) => (k === "x" || k === "y" ? undefined : v)));
  const lay = JSON.stringify(layout, (k, v) => (k === "range" || k === "template" ? undefined : v));
  return data.join("\n") + "\n" + lay;
}

// Plotly.animate without a redraw moves only the traces' paths and the axes' ranges (faster than
// Plotly.react, which lays out and draws the whole chart again: legend, ticks, every trace). It applies
// when the new frame has the drawn frame's shape, every trace is a plain scatter (the only kind plotly
// animates) and every axis has a fixed range (an autoranged axis would not rescale); and not after the
// user has zoomed, panned or autoscaled (react keeps that view, uirevision; a range sent here would undo it).
function canAnimate(div, fig, layout, shape) {
  if (userChangedView(div) || div._shape !== shape) return false;
  if (!(fig.data || []).every((t) => (t.type || "scatter") === "scatter" && !t.fill)) return false;
  const axes = Object.keys(layout).filter((k) => AXIS.test(k));
  return axes.length > 0 && axes.every((k) => Array.isArray(layout[k].range));
}

// plotly keeps, for uirevision, the values a user's zoom, pan or autoscale replaced (in _preGUI); its own
// and our updates (react, animate) do not go there. (A plotly_relayout listener cannot tell them apart:
// animate reports the ranges it sets as a relayout too, and a zoom during an animation was lost.)
function userChangedView(div) {
  if (!div._userView) {
    const pre = (div._fullLayout && div._fullLayout._preGUI) || {};
    div._userView = Object.keys(pre).some((k) => /^[xy]axis\d*\./.test(k));
  }
  return div._userView;
}

// Only the ranges that changed since the last frame are sent: a fixed axis (Figure 1's x) is never touched,
// so a zoom the user makes while a frame is in flight cannot be undone by it.
function animate(Plotly, div, fig, layout) {
  const now = rangesOf(layout), before = div._ranges || {}, ranges = {};
  for (const k of Object.keys(now)) if (now[k] !== before[k]) ranges[k + ".range"] = layout[k].range;
  div._ranges = now;
  const data = fig.data.map((t) => ({x: t.x, y: t.y}));
  return Plotly.animate(div, {data, traces: data.map((_, i) => i), layout: ranges},
                        {transition: {duration: 0}, frame: {duration: 0, redraw: false}, mode: "immediate"});
}

// Each axis's range as JSON, to compare one frame's with the last drawn.
function rangesOf(layout) {
  const out = {};
  for (const k of Object.keys(layout)) if (AXIS.test(k)) out[k] = JSON.stringify(layout[k].range);
  return out;
}

// Figures can arrive faster than plotly draws them: draw the newest, drop the ones in between.
async function pump(div) {
  div._drawing = true;
  try {
    while (div._latest) {
      const data = div._latest;
      div._latest = null;
      if (String(data.frame) === div.dataset.frame) continue;  // a rerun that changed nothing here
      const [Plotly, template] = await Promise.all([loadPlotly(data.plotly_url), loadTemplate(data.template_url)]);
      const fig = JSON.parse(data.spec);
      const layout = fig.layout || {};
      layout.height = data.height;
      layout.autosize = true;
      delete layout.width;  // fill the column
      const shape = shapeOf(fig, layout);
      const t0 = performance.now();
      if (canAnimate(div, fig, layout, shape)) {
        await animate(Plotly, div, fig, layout);
        div.dataset.drawMode = "animate";
      } else {
        div.style.height = data.height + "px";
        layout.template = template;
        // a short toolbar (zoom, pan, reset, download): the full one covered the legends at the chart's top
        await Plotly.react(div, fig.data || [], layout, {responsive: true, displaylogo: false,
          modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines",
                                   "hoverClosestCartesian", "hoverCompareCartesian"]});
        div._ranges = rangesOf(layout);
        div.dataset.drawMode = "react";
      }
      div.dataset.drawMs = (performance.now() - t0).toFixed(1);  // read by bench/live_loop.py
      div.dataset.draws = String(Number(div.dataset.draws || 0) + 1);
      div._shape = shape;
      div.dataset.frame = String(data.frame);
    }
  } catch (e) {
    div.textContent = "chart error: " + e;
  } finally {
    div._drawing = false;
  }
}

export default function ({ data, parentElement }) {
  let div = parentElement.querySelector(".gantoy-live-chart");
  if (!div) {
    div = document.createElement("div");
    div.className = "gantoy-live-chart";
    div.style.width = "100%";
    div.style.height = data.height + "px";
    parentElement.appendChild(div);
  }
  div._latest = data;
  div.dataset.received = String(Number(div.dataset.received || 0) + 1);  // figures delivered (tests, benches)
  if (!div._drawing) pump(div);
}
