package org.sparkebm.core.config;

/** A bad configuration: the message names the source (file or command line), the key and what is wrong. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
