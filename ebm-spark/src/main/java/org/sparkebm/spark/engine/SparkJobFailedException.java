package org.sparkebm.spark.engine;

/**
 * A Spark job of the training failed, with the first real cause (a task's exception) in the message and what to
 * change where it is known. Reported without a stack trace: the message is the diagnosis.
 */
public final class SparkJobFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean reported;

    public SparkJobFailedException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * @param reported whether the message was already printed (where Spark may end the JVM before the exception
     *                 reaches the command's own report)
     */
    public SparkJobFailedException(String message, Throwable cause, boolean reported) {
        super(message, cause);
        this.reported = reported;
    }

    /** Whether the message was already printed to standard error. */
    public boolean reported() {
        return reported;
    }
}
