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
      layout.template = template;
      layout.height = data.height;
      layout.autosize = true;
      delete layout.width;  // fill the column
      div.style.height = data.height + "px";
      const t0 = performance.now();
      await Plotly.react(div, fig.data || [], layout, {responsive: true, displaylogo: false});
      div.dataset.drawMs = (performance.now() - t0).toFixed(1);  // read by bench/live_loop.py
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
  if (!div._drawing) pump(div);
}
