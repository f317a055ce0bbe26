package org.sparkebm.core.config;

/**
 * One configuration key, declared once with its type (which reads and checks its values), default and meaning
 * (see {@link Keys}).
 *
 * @param <T>          the value's Java type
 * @param name         dotted name, e.g. {@code sampler.steps}
 * @param type         how a value reads and what it accepts, e.g. {@code int >= 0}
 * @param defaultValue default as written in a config file, or {@code null} when the key is required or optional
 *                     without default (the doc says which)
 * @param doc          one-sentence meaning
 */
public record Key<T>(String name, Type<T> type, String defaultValue, String doc) {}
