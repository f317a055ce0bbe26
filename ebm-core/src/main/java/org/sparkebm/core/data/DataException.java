package org.sparkebm.core.data;

/** Bad input data: the message names the file or source and what is wrong with it. */
public class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
