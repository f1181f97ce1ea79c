import { createEffect, onCleanup, onMount } from 'solid-js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  color: string;
}

/**
 * A uPlot time-series chart (x = epoch seconds). Data updates redraw in place
 * (setData), so a live stream does not rebuild the chart; it follows the
 * container's width.
 */
export function TimeChart(props: { series: Series[]; data: () => [number[], ...(number | null)[][]]; height?: number; label: string }) {
  let host: HTMLDivElement | undefined;
  let plot: uPlot | undefined;
  onMount(() => {
    if (!host) return;
    const width = host.clientWidth || 600;
    plot = new uPlot(
      {
        width,
        height: props.height ?? 220,
        series: [{}, ...props.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: false } }))],
        axes: [{}, { size: 50 }],
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
      },
      props.data() as uPlot.AlignedData,
      host,
    );
    const observer = new ResizeObserver(() => plot?.setSize({ width: host?.clientWidth || width, height: props.height ?? 220 }));
    observer.observe(host);
    onCleanup(() => {
      observer.disconnect();
      plot?.destroy();
    });
  });
  createEffect(() => {
    const data = props.data();
    plot?.setData(data as uPlot.AlignedData);
  });
  return <div ref={host} class="chart" role="img" aria-label={props.label} />;
}
