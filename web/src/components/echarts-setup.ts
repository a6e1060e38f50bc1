import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, DatasetComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// The ECharts core build with only what the screens draw. Loaded on demand by Chart.tsx
// (it is the largest part of the app: ~190 kB gzip), so the map screen does not wait for it.
echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, DatasetComponent, CanvasRenderer]);

export { echarts };
