import { useEffect, useRef, useState } from 'react';
import type { EChartsCoreOption, ECharts } from 'echarts/core';

export type ChartOption = EChartsCoreOption;

let loading: Promise<typeof import('./echarts-setup.ts')> | null = null;
const loadECharts = () => (loading ??= import('./echarts-setup.ts'));

/**
 * An Apache ECharts chart that follows its box's size (phone rotation, panel resize).
 * The charts library is fetched the first time a chart is shown, not with the app.
 */
export function Chart(props: { option: ChartOption; height?: number; testId?: string; label?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let disposed = false;
    let cleanup = () => {};
    void loadECharts().then(({ echarts }) => {
      if (disposed || !el.current) return;
      const c = echarts.init(el.current, undefined, { renderer: 'canvas' });
      chart.current = c;
      const ro = new ResizeObserver(() => c.resize());
      ro.observe(el.current);
      cleanup = () => {
        ro.disconnect();
        c.dispose();
        chart.current = null;
      };
      setReady(true);
    });
    return () => {
      disposed = true;
      cleanup();
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption({ animation: false, textStyle: { fontFamily: 'inherit' }, ...props.option }, true);
  }, [props.option, ready]);
  return <div ref={el} className="chart" style={{ height: props.height ?? 240 }} data-testid={props.testId} role={props.label ? 'img' : undefined} aria-label={props.label} aria-busy={!ready} />;
}
