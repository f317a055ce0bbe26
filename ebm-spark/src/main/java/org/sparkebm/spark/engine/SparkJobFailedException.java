package org.sparkebm.spark.engine;

/**
 * A Spark job of the training failed, with the first real cause (a task's exception) in the message and what to
 * change where it is known. Reported without a stack trace: the message is the diagnosis.
 */
public final class SparkJobFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SparkJobFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
