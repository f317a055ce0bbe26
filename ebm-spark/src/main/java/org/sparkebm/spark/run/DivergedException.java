package org.sparkebm.spark.run;

/** Training produced non-finite energies, gradients or parameters. */
public class DivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DivergedException(String message) {
        super(message);
    }
}
