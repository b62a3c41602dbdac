package dev.dipr1.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** PNG charts of runs (JFreeChart). */
public final class Charts {

    private Charts() {}

    /** One line per named series of y values over x = 1, 2, … (e.g. steps). */
    public static void lines(Path png, String title, String xLabel, String yLabel, Map<String, List<Double>> series)
            throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        series.forEach((name, ys) -> {
            XYSeries s = new XYSeries(name);
            for (int i = 0; i < ys.size(); i++) {
                s.add(i + 1, ys.get(i));
            }
            data.addSeries(s);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(
                title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 500);
    }

    /** One line per named series of (x, y) points. */
    public static void xy(Path png, String title, String xLabel, String yLabel, Map<String, List<double[]>> series)
            throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        new java.util.TreeMap<>(series).forEach((name, points) -> {
            XYSeries s = new XYSeries(name);
            points.forEach(p -> s.add(p[0], p[1]));
            data.addSeries(s);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(
                title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 500);
    }

    /** Grouped bars: for each category (x), one bar per series. */
    public static void bars(Path png, String title, String yLabel, Map<String, Map<String, Double>> seriesByName)
            throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        seriesByName.forEach((series, byCategory) -> byCategory.forEach((cat, v) -> data.addValue(v, series, cat)));
        JFreeChart chart =
                ChartFactory.createBarChart(title, "", yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 700, 450);
    }
}
