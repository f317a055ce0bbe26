package org.sparkebm.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparkebm.core.data.DataException;
import org.sparkebm.core.data.Dataset;

/**
 * Numeric CSV on the driver, so that bad values are reported before Spark starts: every cell of the chosen
 * columns must parse as a finite number; errors name the file, the line and the column. (Spark's own CSV reader
 * is for the DataFrame side; here the point is validation with exact positions.)
 */
final class CsvReader {
    private CsvReader() {}

    static Dataset read(InputStream raw, String source, boolean header, List<String> columns, int limit) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null) {
            throw new DataException(source + ": empty CSV file");
        }
        int lineNo = 1;
        String[] names;
        if (header) {
            names = Arrays.stream(line.split(",", -1)).map(String::trim).toArray(String[]::new);
            line = in.readLine();
            lineNo++;
        } else {
            int n = line.split(",", -1).length;
            names = new String[n];
            Arrays.setAll(names, i -> Integer.toString(i));
        }
        int[] pick;
        if (columns == null) {
            pick = new int[names.length];
            Arrays.setAll(pick, i -> i);
        } else {
            pick = new int[columns.size()];
            for (int j = 0; j < pick.length; j++) {
                pick[j] = Arrays.asList(names).indexOf(columns.get(j));
                if (pick[j] < 0) {
                    throw new DataException(source + ": no column '" + columns.get(j) + "' (columns: " + String.join(", ", names) + ")");
                }
            }
        }
        List<float[]> rows = new ArrayList<>();
        for (; line != null && (limit <= 0 || rows.size() < limit); line = in.readLine(), lineNo++) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != names.length) {
                throw new DataException(source + ": line " + lineNo + " has " + f.length + " fields, expected " + names.length);
            }
            float[] r = new float[pick.length];
            for (int j = 0; j < pick.length; j++) {
                String cell = f[pick[j]].trim();
                double v;
                try {
                    v = Double.parseDouble(cell);
                } catch (NumberFormatException e) {
                    throw new DataException(source + ": line " + lineNo + ", column '" + names[pick[j]] + "': '" + cell + "' is not a number");
                }
                if (!Double.isFinite(v)) {
                    throw new DataException(source + ": line " + lineNo + ", column '" + names[pick[j]] + "': " + cell + " is not allowed (values must be finite)");
                }
                r[j] = (float) v;
            }
            rows.add(r);
        }
        if (rows.isEmpty()) {
            throw new DataException(source + ": no data rows");
        }
        float[] v = new float[rows.size() * pick.length];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, v, i * pick.length, pick.length);
        }
        return new Dataset(v, rows.size(), new int[] {pick.length}, null);
    }
}
