package dev.meshdns.it.support;

import java.util.Locale;

/**
 * One scrape of {@code /metrics} in the Prometheus text format, read by metric name: the value
 * of a metric is the sum over all its series (all label sets). Immutable.
 */
public final class Metrics {
    private final String text;

    public Metrics(String text) {
        this.text = text;
    }

    /** The sum of the samples named exactly {@code name}, or NaN when there is none. */
    public double value(String name) {
        double sum = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(name)) {
                continue;
            }
            String rest = line.substring(name.length());
            if (!rest.startsWith("{") && !rest.startsWith(" ")) {
                continue; // another metric whose name starts with this one
            }
            String[] fields = rest.substring(rest.startsWith("{") ? rest.lastIndexOf('}') + 1 : 0).trim().split("\\s+");
            sum += Double.parseDouble(fields[0].toLowerCase(Locale.ROOT).replace("+inf", "Infinity"));
            found = true;
        }
        return found ? sum : Double.NaN;
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
