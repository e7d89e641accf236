"use client";

// One chart of the report page, drawn in the browser with Apache ECharts (Chinese locale, SVG
// renderer so it prints sharp). The figures come from the server already summed; the table next
// to each chart holds the same numbers for those who read rather than look.
import { BarChart, LineChart, PieChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export type TChartSpec =
  | { type: "pie"; data: Array<{ name: string; value: number }> }
  | { type: "bar"; categories: string[]; series: Array<{ name: string; data: number[] }>; stacked?: boolean; unit?: string }
  | { type: "line"; categories: string[]; series: Array<{ name: string; data: number[] }> };

function optionOf(spec: TChartSpec): echarts.EChartsCoreOption {
  const base = { animation: false, tooltip: { trigger: spec.type === "pie" ? "item" : "axis" }, legend: { bottom: 0, type: "scroll" } };
  if (spec.type === "pie") {
    return { ...base, series: [{ type: "pie", radius: ["35%", "65%"], top: 0, bottom: 30, data: spec.data, label: { formatter: "{b}\n{c}（{d}%）" } }] };
  }
  return {
    ...base,
    grid: { left: 8, right: 16, top: 16, bottom: 48, containLabel: true },
    xAxis: { type: "category", data: spec.categories, axisLabel: { interval: 0, hideOverlap: true } },
    yAxis: { type: "value", name: spec.type === "bar" ? spec.unit : undefined, minInterval: spec.type === "line" ? 1 : undefined },
    series: spec.series.map((s) => ({ type: spec.type, name: s.name, data: s.data, stack: spec.type === "bar" && spec.stacked ? "total" : undefined })),
  };
}

export function ReportChart({ spec, label }: { spec: TChartSpec; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, null, { locale: "ZH", renderer: "svg" });
    chart.setOption(optionOf(spec));
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(ref.current);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [spec]);
  return <div ref={ref} role="img" aria-label={label} className="h-64 w-full print:h-56" data-testid="report-chart" />;
}
